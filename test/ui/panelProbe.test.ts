// Temporary probe of the panel's frames.
import { uiSession } from './session';
import { runCommand, screenshot } from './workbench';

describe('panel probe', function () {
  this.timeout(60_000);
  it('probes', async () => {
    const { page } = uiSession();
    const msgs: string[] = [];
    page.on('console', (m) => msgs.push(`[${m.type()}] ${m.location().url.slice(0, 80)} ${m.text().slice(0, 300)}`));
    page.on('frameattached', (f) => msgs.push(`attached ${f.url()}`));
    await runCommand(page, 'RunComfy: Open Edit Panel');
    await page.waitForTimeout(4000);
    for (const f of page.frames()) {
      const hasRoot = await f.evaluate(() => !!document.getElementById('root')).catch((e) => String(e).slice(0, 80));
      console.log('FRAME', f.name(), f.url().slice(0, 200), hasRoot);
    }
    const outer = await page.locator('iframe').evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 300)));
    console.log(outer.join('\n'));
    console.log(msgs.join('\n'));
    await screenshot(page, 'probe');
  });
});
