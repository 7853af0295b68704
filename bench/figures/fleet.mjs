// The fleet overview at 20 clusters × 50 nodes: one simulator in `--aggregate` mode (50
// nodes from one target) scraped by a real Prometheus, behind the shipped nginx at 20
// per-source locations (/sources/c01/ … /sources/c20/), one cluster per source. Every
// cluster is judged from its own 50 nodes' answers, so the browser's work (requests,
// decoding, evaluation, the tiles) is that of 20 × 50 nodes; the 20 sources share one
// Prometheus, which the note says.
import { makeSite, startNginx, startPrometheus } from '../../tests/e2e/harness.mjs';
import { MANUAL_REFRESH_SECS, withInstances, withoutAlerts } from '../lib/configs.mjs';
import { newPage } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import {
  relayScrapeConfigs, startAggregateSim, stoppable, waitForNodesUp,
} from '../lib/stack.mjs';

export const FLEET = { clusters: 20, nodes: 50 };

const name = (i) => `c${String(i + 1).padStart(2, '0')}`;

/** The reference configuration over `nodes` nodes, one cluster per source, no alert sources. */
export function fleetYaml(referenceYaml, { clusters, nodes }) {
  const sources = Array.from({ length: clusters }, (_, i) => [
    `  - name: ${name(i)}`,
    `    base_url: /sources/${name(i)}`,
    '    timeout_secs: 10',
    '    stale_after_secs: 600',
    ...(i === 0 ? [`    refresh_secs: ${MANUAL_REFRESH_SECS}`] : []),
  ].join('\n')).join('\n');
  const list = Array.from({ length: clusters }, (_, i) => `  - { name: cluster-${name(i)}, source: ${name(i)} }`).join('\n');
  const text = withoutAlerts(withInstances(referenceYaml, nodes))
    .replace(/^datasource:\n(?:[ \t].*\n|\n)*/m, `datasources:\n${sources}\n\n`);
  if (!text.includes('/sources/c01')) throw new Error('the reference configuration changed shape');
  return `${text}\nclusters:\n${list}\n`;
}

/** Records, in the page, when every tile first shows a status from data (not unknown). */
function watchTiles(count) {
  window.__fleet = { allJudged: null };
  const observer = new MutationObserver(() => {
    const tiles = document.querySelectorAll('[data-testid="cluster-tile"]');
    if (tiles.length === count && [...tiles].every((t) => t.dataset.status !== 'unknown')) {
      window.__fleet.allJudged = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
}

export async function fleet({ browser, url, clusters, nodes, loads = 5, refreshes = 5 }) {
  const figure = 'fleet';
  const cl = `${clusters} cluster${clusters === 1 ? '' : 's'}`;
  const first = [];
  const refresh = [];
  const requests = [];
  const distinct = [];
  const statuses = new Set();
  for (let i = 0; i < loads; i += 1) {
    const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
    try {
      await p.page.addInitScript(watchTiles, clusters);
      await p.page.goto(url, { timeout: 60_000 });
      await p.page.waitForFunction(() => window.__fleet?.allJudged !== null, null, { timeout: 60_000, polling: 50 });
      first.push(await p.page.evaluate(() => window.__fleet.allJudged));
      if (i < loads - 1) continue;
      // The last load: refreshes fired by hand (the one captured timer drives every
      // cluster's refresher), each waited for until every cluster's refresh is done.
      const sent = [];
      p.page.on('request', (req) => {
        const u = new URL(req.url());
        if (u.pathname.includes('/api/v1/')) sent.push(`${u.pathname} ${req.postData() ?? u.search}`);
      });
      for (let r = 0; r <= refreshes; r += 1) {
        sent.length = 0;
        const took = await p.page.evaluate(async ({ clusters: n }) => {
          const b = window.__bench;
          // Each cluster's round ends in one evaluation measure (they never overlap: one
          // task each); its refresh measures do overlap (one mark name), so they are not used.
          const before = b.counts['panopticon:evaluate'] ?? 0;
          const t0 = performance.now();
          b.refreshFn();
          await b.until('every cluster\'s evaluation', () => (b.counts['panopticon:evaluate'] ?? 0) >= before + n && b.inFlight === 0, 60_000);
          const last = b.measures.filter((m) => m.name === 'panopticon:evaluate').at(-1);
          return (last ? last.start + last.duration : performance.now()) - t0;
        }, { clusters });
        // The first one after the load is not counted (its sources' versions are asked then).
        if (r === 0) continue;
        refresh.push(took);
        requests.push(sent.length);
        distinct.push(new Set(sent).size);
        for (const s of await p.page.evaluate(() => [...document.querySelectorAll('[data-testid="cluster-tile"]')].map((t) => t.dataset.status))) {
          statuses.add(s);
        }
      }
    } finally {
      await p.close();
    }
  }
  return {
    rows: [
      row({ figure, label: `time to every tile judged, ${cl} × ${nodes} nodes`, unit: 'ms', values: first, verdict: INFO }),
      row({ figure, label: `fleet refresh (every cluster's queries + evaluation), ${clusters} × ${nodes}`, unit: 'ms', values: refresh, verdict: INFO }),
      row({ figure, label: `requests per fleet refresh, ${cl}`, unit: '', values: requests, verdict: INFO }),
      row({
        figure, label: `distinct (source, query) pairs per fleet refresh, ${cl}`, unit: '', values: distinct, verdict: INFO,
        note: requests.some((n, i) => n !== distinct[i]) ? 'some pair was asked more than once in a refresh' : undefined,
      }),
    ],
    section: {
      title: `Fleet: ${clusters} clusters × ${nodes} nodes`,
      how: `The reference configuration (no alert sources, \`instances: ${nodes}\`) with ${clusters} data sources and`
        + ` \`clusters:\` one per source. The sources are ${clusters} locations of the shipped nginx`
        + ` (\`PANOPTICON_SOURCES\`) in front of one real Prometheus scraping \`panopticon-sim serve --aggregate`
        + ` --nodes ${nodes}\` every 5 s: every cluster's answers are those of ${nodes} nodes, so the page asks,`
        + ` decodes and judges ${clusters} × ${nodes} nodes, while the server side is one Prometheus (its answers`
        + ' are cheap for it; a real fleet has one per cluster). Time to every tile judged: from navigation to the'
        + ` moment all ${clusters} tiles show a status from data (a MutationObserver), ${loads} loads.`
        + ` Refresh: the fleet's one refresh timer fired by hand, to the end of the last cluster's evaluation`
        + ` (each cluster's round ends in one \`panopticon:evaluate\` measure), nothing left in flight; ${refreshes}`
        + ' refreshes after one uncounted.',
      notes: [
        `tile statuses on the measured refreshes: ${[...statuses].join(', ') || 'none'}`,
        'requests per refresh = distinct (source, query) pairs: each cluster asks its own source one combined query',
      ],
    },
  };
}

/** One aggregated simulator, one Prometheus, one nginx with `clusters` source locations to it. */
export async function startFleetStack({ clusters, nodes, files }) {
  const { stack, started } = stoppable();
  try {
    const sim = await startAggregateSim(nodes);
    started.push(sim);
    stack.prom = await startPrometheus({ scrapeConfigs: relayScrapeConfigs(sim, '5s'), scrapeInterval: '5s' });
    started.push(stack.prom);
    stack.site = makeSite(files);
    started.push({ stop: async () => stack.site.remove() });
    const upstream = `127.0.0.1:${stack.prom.port}`;
    stack.nginx = await startNginx({
      prometheus: upstream,
      root: stack.site.dir,
      sources: Array.from({ length: clusters }, (_, i) => ({ name: name(i), upstream })),
      // One browser, 20 sources' requests at once: the per-client limit is not what is measured.
      env: { PANOPTICON_RATE_LIMIT: 'off' },
    });
    started.push(stack.nginx);
    await waitForNodesUp(stack.prom, nodes);
    return stack;
  } catch (e) {
    await stack.stop();
    throw e;
  }
}
