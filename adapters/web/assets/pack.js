// The pack's Print button (the button is only useful with JavaScript; the page prints without it).
(() => {
  for (const button of document.querySelectorAll('[data-print]')) {
    button.addEventListener('click', () => window.print());
  }
})();
