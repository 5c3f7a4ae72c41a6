// The Teams tab's first page. In Teams with single sign-on set up, it asks Teams for a token
// and exchanges it for a dashboard session; otherwise it shows the form to paste a link.
(() => {
  const status = document.getElementById('tab-status');
  const form = document.getElementById('paste-link');
  const sso = document.body.dataset.sso === 'on';
  const say = (words) => {
    if (status) status.textContent = words;
  };
  const offerLink = (words) => {
    say(words);
    if (form) form.hidden = false;
  };
  const teams = window.microsoftTeams;
  const inFrame = window.parent !== window;
  if (!teams || !inFrame) {
    offerLink('Sign in with a link from the bot: type dashboard in a private chat with it.');
    return;
  }
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000));
  Promise.race([teams.app.initialize(), timeout])
    .then(async () => {
      teams.app.notifySuccess();
      if (!sso) {
        offerLink('Sign in with a link: type dashboard in your chat with the bot, then paste the link here.');
        return;
      }
      const token = await teams.authentication.getAuthToken();
      const response = await fetch('/dashboard/teams/sso', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'include',
        body: JSON.stringify({ token }),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        say('Signed in. Opening the dashboard…');
        window.location.assign(answer.next || '/dashboard');
      } else {
        offerLink(answer.message || 'Teams could not sign you in. Sign in with a link from the bot instead.');
      }
    })
    .catch(() => offerLink('Teams could not sign you in. Sign in with a link from the bot instead.'));
})();
