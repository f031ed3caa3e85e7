// The parts of Grafana's dashboard JSON model our dashboard uses, checked by hand: what an import needs to succeed and draw every panel.

/** The datasource every panel, target and variable must name: the input an importer maps to their Prometheus. */
export const DATASOURCE_INPUT = "DS_PROMETHEUS";
/** Panel types Grafana ships with that this dashboard may use (a typo would import as an empty "unknown" panel). */
export const PANEL_TYPES: ReadonlySet<string> = new Set(["stat", "timeseries", "table", "row", "text", "gauge", "bargauge"]);
/** Variables Grafana defines itself; the test gives each a value fit for a 1 s scrape interval. */
export const GRAFANA_VARIABLES: readonly string[] = ["__rate_interval", "__range", "__interval"];
/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;

export interface DatasourceRef {
  type?: string;
  uid?: string;
}
export interface Target {
  refId?: string;
  expr?: string;
  datasource?: DatasourceRef;
}
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: GridPos;
  datasource?: DatasourceRef;
  targets?: Target[];
}
export interface Variable {
  name?: string;
  type?: string;
  query?: string;
  datasource?: DatasourceRef;
  includeAll?: boolean;
  allValue?: string;
}
export interface Dashboard {
  title?: string;
  uid?: string;
  schemaVersion?: number;
  __inputs?: { name?: string; type?: string; pluginId?: string }[];
  templating?: { list?: Variable[] };
  panels?: Panel[];
}

// `$name`, `${name}`, `${name:format}` and the deprecated `[[name]]`: every way Grafana lets a query name a variable.
const VARIABLE_REFERENCE = /\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g;

/** The variable names `text` refers to, in order, repeats included. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(VARIABLE_REFERENCE)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

/** `text` with every variable reference replaced by `values[name]`; a name without a value is an error. */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE_REFERENCE, (whole, a?: string, b?: string, c?: string) => {
    const value = values[(a ?? b ?? c)!];
    if (value === undefined) throw new Error(`no value for ${whole} in ${text}`);
    return value;
  });
}

/** Everything wrong with `dashboard`, one sentence each; empty when Grafana can import it and every query can run. */
export function dashboardProblems(dashboard: Dashboard): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  need(typeof dashboard.title === "string" && dashboard.title !== "", "title must be a non-empty string");
  need(typeof dashboard.uid === "string" && /^[\w-]{1,40}$/.test(dashboard.uid), "uid must be 1-40 letters, digits, _ or -");
  // 36 is where panels reference datasources as {type, uid} objects, the form used here.
  need(Number.isInteger(dashboard.schemaVersion) && dashboard.schemaVersion! >= 36, "schemaVersion must be an integer >= 36");
  const input = dashboard.__inputs?.find((i) => i.name === DATASOURCE_INPUT);
  need(input?.type === "datasource" && input.pluginId === "prometheus", `__inputs must declare ${DATASOURCE_INPUT} as a prometheus datasource`);

  // A variable's query may use only variables listed before it: Grafana resolves them in list order.
  const defined = new Set(GRAFANA_VARIABLES);
  for (const variable of dashboard.templating?.list ?? []) {
    const name = variable.name ?? "(unnamed)";
    need(variable.type === "query" && typeof variable.query === "string", `variable ${name} must be a query variable with a query`);
    need(isInput(variable.datasource), `variable ${name} must use the ${DATASOURCE_INPUT} datasource`);
    need(!variable.includeAll || typeof variable.allValue === "string", `variable ${name} offers All, so it needs an allValue regex`);
    for (const used of variablesIn(variable.query ?? "")) need(defined.has(used), `variable ${name} uses $${used}, not defined before it`);
    defined.add(name);
  }

  const panels = dashboard.panels ?? [];
  need(panels.length > 0, "the dashboard has no panels");
  const ids = new Set<number>();
  for (const panel of panels) {
    const name = `panel ${panel.id} "${panel.title}"`;
    need(Number.isInteger(panel.id) && !ids.has(panel.id!), `${name}: id must be an integer unique in the dashboard`);
    ids.add(panel.id!);
    need(typeof panel.title === "string" && panel.title !== "", `${name}: title must be a non-empty string`);
    need(PANEL_TYPES.has(panel.type ?? ""), `${name}: type ${panel.type} is not one of ${[...PANEL_TYPES].join(", ")}`);
    need(onGrid(panel.gridPos), `${name}: gridPos must be whole numbers with 0 <= x, x + w <= ${GRID_COLUMNS}, y >= 0, w and h >= 1`);
    need(isInput(panel.datasource), `${name}: datasource must be the ${DATASOURCE_INPUT} input`);
    const targets = panel.targets ?? [];
    need(targets.length > 0, `${name}: has no targets`);
    need(new Set(targets.map((t) => t.refId)).size === targets.length, `${name}: refIds must be unique`);
    for (const target of targets) {
      need(typeof target.refId === "string" && target.refId !== "", `${name}: a target has no refId`);
      need(typeof target.expr === "string" && target.expr.trim() !== "", `${name}: target ${target.refId} has no expr`);
      need(isInput(target.datasource), `${name}: target ${target.refId}'s datasource must be the ${DATASOURCE_INPUT} input`);
      for (const used of variablesIn(target.expr ?? "")) need(defined.has(used), `${name}: target ${target.refId} uses $${used}, which is not defined`);
    }
  }
  for (const [i, a] of panels.entries()) {
    for (const b of panels.slice(i + 1)) {
      need(!overlap(a.gridPos, b.gridPos), `panels ${a.id} "${a.title}" and ${b.id} "${b.title}" overlap`);
    }
  }
  return problems;
}

function isInput(ref: DatasourceRef | undefined): boolean {
  return ref?.type === "prometheus" && ref.uid === `\${${DATASOURCE_INPUT}}`;
}

function onGrid(pos: GridPos | undefined): boolean {
  if (pos === undefined || ![pos.x, pos.y, pos.w, pos.h].every(Number.isInteger)) return false;
  return pos.x >= 0 && pos.y >= 0 && pos.w >= 1 && pos.h >= 1 && pos.x + pos.w <= GRID_COLUMNS;
}

function overlap(a: GridPos | undefined, b: GridPos | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
