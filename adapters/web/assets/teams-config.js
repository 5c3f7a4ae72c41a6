// The configuration page of the dashboard's channel or meeting tab: saving it points the tab at
// the dashboard's Teams page on this server.
(() => {
  const teams = window.microsoftTeams;
  if (!teams || window.parent === window) return;
  teams.app
    .initialize()
    .then(() => {
      teams.pages.config.registerOnSaveHandler((save) => {
        const origin = window.location.origin;
        teams.pages.config
          .setConfig({
            entityId: 'met-dashboard',
            suggestedDisplayName: 'MET dashboard',
            contentUrl: `${origin}/dashboard/teams`,
            websiteUrl: `${origin}/dashboard`,
          })
          .then(() => save.notifySuccess())
          .catch((error) => save.notifyFailure(String(error)));
      });
      teams.pages.config.setValidityState(true);
      teams.app.notifySuccess();
    })
    .catch(() => undefined);
})();
