"""An accessibility check run in the browser on a rendered page: headings, labels, contrast.

``ACCESSIBILITY_CHECK`` is a script for Playwright's ``page.evaluate``; it returns the list of
problems found (empty: the page passes):

- exactly one ``h1``, the first heading, and no skipped level (an ``h2`` then an ``h4``);
- every form control (input, select, textarea; not hidden inputs or buttons) has a label: a
  ``<label>``, ``aria-label`` or ``aria-labelledby``;
- every visible text has a contrast of at least 4.5:1 against what is behind it, from the
  computed styles: the text's colour against the first opaque background up the tree (partly
  transparent ones blended over it), white at the root. Text inside SVG is drawn with ``fill``,
  not ``color``, and is not measured.
"""

from __future__ import annotations

MIN_CONTRAST = 4.5

ACCESSIBILITY_CHECK = """
(minContrast) => {
  const problems = [];
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  const h1s = headings.filter(h => h.tagName === 'H1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements, not one`);
  let previous = 0;
  for (const heading of headings) {
    const level = Number(heading.tagName[1]);
    if (level > previous + 1) {
      const words = heading.textContent.trim();
      problems.push(`heading level skipped: h${level} after h${previous}: ${words}`);
    }
    previous = level;
  }
  const controls = document.querySelectorAll([
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset])',
    'select',
    'textarea',
  ].join(', '));
  for (const control of controls) {
    const named = (control.labels && control.labels.length > 0)
      || (control.getAttribute('aria-label') || '').trim()
      || (control.getAttribute('aria-labelledby') || '').trim();
    if (!named) problems.push(`form control without a label: ${control.outerHTML}`);
  }
  const parse = (value) => {
    const numbers = value.match(/[\\d.]+/g).map(Number);
    return {r: numbers[0], g: numbers[1], b: numbers[2], a: numbers.length > 3 ? numbers[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (element) => {
    const layers = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a >= 1) break;
    }
    let result = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = ({r, g, b}) => {
    const channel = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  let measured = 0;
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest('svg')) continue;
    const text = [...element.childNodes]
      .filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!text || element.getClientRects().length === 0) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const back = background(element);
    const fore = over(parse(style.color), back);
    const [light, dark] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    measured += 1;
    if (ratio < minContrast) {
      const behind = `rgb(${back.r}, ${back.g}, ${back.b})`;
      const what = `"${text.slice(0, 40)}" (${style.color} on ${behind})`;
      problems.push(`contrast ${ratio.toFixed(2)}:1 of ${what}`);
    }
  }
  if (measured === 0) problems.push('no text measured: the check saw an empty page');
  return problems;
}
"""
