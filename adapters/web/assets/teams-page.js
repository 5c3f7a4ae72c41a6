// Pages shown inside the Teams tab tell Teams they have loaded (teams-js must be initialised on
// every page the tab shows). Outside Teams this quietly does nothing.
(() => {
  const teams = window.microsoftTeams;
  if (!teams || window.parent === window) return;
  teams.app
    .initialize()
    .then(() => teams.app.notifySuccess())
    .catch(() => undefined);
})();
