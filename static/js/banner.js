// Every page listens for the lab's announcements (server-sent events): when
// the instructor switches the API origin to another scenario, a banner says
// which one, within a second, without reloading.
const banner = document.getElementById('scenario-banner');
// Technique pages name their tab, to also receive what their clicks sent
// (see inspector.js); other pages only hear about scenarios.
const labEvents = new EventSource(typeof tabId === 'string' ? `/events?tab=${tabId}` : '/events');
labEvents.addEventListener('scenario', (event) => {
  const scenario = JSON.parse(event.data);
  banner.dataset.scenario = scenario.name;
  banner.hidden = scenario.name === 'default';
  banner.textContent = `Lab scenario in force: ${scenario.title} (${scenario.name}). See /lab for what to expect.`;
});
