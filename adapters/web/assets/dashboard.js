// A little progressive enhancement: the dashboard works without it.
(() => {
  // When a page is opened from the skip link, move focus into the main content.
  const main = document.getElementById('main');
  const skip = document.querySelector('.skip-link');
  if (main && skip) {
    skip.addEventListener('click', () => main.focus());
  }
})();
