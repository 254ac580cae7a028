// Every page listens for the lab's announcements (server-sent events): when
// the instructor switches the API origin to another scenario, a banner says
// which one, within a second, without reloading.
const banner = document.getElementById('scenario-banner');
const events = new EventSource('/events');
events.addEventListener('scenario', (event) => {
  const scenario = JSON.parse(event.data);
  banner.dataset.scenario = scenario.name;
  banner.hidden = scenario.name === 'default';
  banner.textContent = `Lab scenario in force: ${scenario.title} (${scenario.name}). See /lab for what to expect.`;
});
