import { type ReactNode, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, m, queryClient } from '../app.ts';
import { DataTable } from '../table.tsx';
import { GroupShell, type GroupView, settingsApi, type ValueOf } from './group-shell.tsx';

// The rate-limit policy as ops change it: each tier's budget and each route budget's rule per
// tier, as numbers; the rest of the policy (which tier a role is on, the failure modes) is shown
// and saved as it is. Whether a number is allowed is the API's to say (a 400 names the field).

const policyApi = settingsApi('rate-limits');
type Policy = ValueOf<'rate-limits'>;
type Rule = Policy['tiers'][string];
type Texts = Record<string, string>;
const STATE_KEY = ['ops-settings', 'rate-limit-state'];

const w = m.settings.rateLimits;
/** Each number of a rule, by its field. */
const LABELS: Record<string, string> = {
  limit: w.limit,
  window_s: w.window,
  capacity: w.capacity,
  refill_per_s: w.refill,
};

/** The two numbers of a rule. */
const fieldsOf = (rule: Exclude<Rule, 'unlimited'>) =>
  rule.algorithm === 'sliding_window'
    ? (['limit', 'window_s'] as const)
    : (['capacity', 'refill_per_s'] as const);

/** A number's label in the tables, by its path in the policy (as the API names a field). */
function labelOf(path: string, p: Policy): string | undefined {
  const parts = path.split('.');
  const field = LABELS[parts.at(-1) ?? ''];
  if (!field) return undefined;
  const [kind, at, , tier] = parts;
  if (kind === 'tiers' && at && parts.length === 3) return w.ruleOf(at, at, field);
  const route = kind === 'routes' ? p.routes[Number(at)] : undefined;
  if (!route || parts[2] !== 'tiers' || !tier || parts.length !== 5) return undefined;
  return w.ruleOf(route.name, tier === '*' ? w.anyTier : tier, field);
}

/** Every number of the policy as text, by its path (`tiers/free/limit`, `routes/0/*\/capacity`). */
function textsOf(p: Policy): Texts {
  const out: Texts = {};
  const add = (prefix: string, rule: Rule) => {
    if (rule === 'unlimited') return;
    for (const field of fieldsOf(rule))
      out[`${prefix}/${field}`] = String((rule as Record<string, unknown>)[field]);
  };
  for (const [tier, rule] of Object.entries(p.tiers)) add(`tiers/${tier}`, rule);
  p.routes.forEach((r, i) => {
    for (const [tier, rule] of Object.entries(r.tiers)) add(`routes/${i}/${tier}`, rule);
  });
  return out;
}

/** Whether a number was typed in (whether it is allowed is the API's to say). */
const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

/** The policy with the numbers typed in put back at their paths. */
function withTexts(p: Policy, texts: Texts): Policy {
  const out = structuredClone(p);
  for (const [path, text] of Object.entries(texts)) {
    const parts = path.split('/');
    const field = parts.pop() as string;
    const rule = (
      parts[0] === 'tiers'
        ? out.tiers[parts[1] as string]
        : out.routes[Number(parts[1])]?.tiers[parts[2] as string]
    ) as Record<string, number> | undefined;
    if (rule) rule[field] = Number(text);
  }
  return out;
}

function RuleCells(p: { at: string; rule: Rule; budget: string; tier: string } & CellProps) {
  if (p.rule === 'unlimited')
    return (
      <td colSpan={2} className="muted">
        {w.unlimited}
      </td>
    );
  return (
    <>
      <td>{w.algorithms[p.rule.algorithm]}</td>
      <td>
        {fieldsOf(p.rule).map((field) => (
          <label key={field} className="inline-field">
            <span className="muted">{LABELS[field]}</span>
            <input
              type="number"
              step="any"
              aria-label={w.ruleOf(p.budget, p.tier, LABELS[field] ?? field)}
              value={p.texts[`${p.at}/${field}`] ?? ''}
              aria-invalid={!isNumber(p.texts[`${p.at}/${field}`] ?? '')}
              readOnly={!p.canSave}
              onChange={(e) => p.set(`${p.at}/${field}`, e.target.value)}
            />
          </label>
        ))}
      </td>
    </>
  );
}

interface CellProps {
  texts: Texts;
  set: (path: string, text: string) => void;
  canSave: boolean;
}

function TierRows({ policy, cell }: { policy: Policy; cell: CellProps }) {
  return Object.entries(policy.tiers).map(([tier, rule]) => (
    <tr key={tier} data-tier={tier}>
      <td className="mono">{tier}</td>
      <RuleCells at={`tiers/${tier}`} rule={rule} budget={tier} tier={tier} {...cell} />
    </tr>
  ));
}

function RouteRows({ policy, cell }: { policy: Policy; cell: CellProps }) {
  const any = m.settings.rateLimits.anyTier;
  return policy.routes.flatMap((r, i) =>
    Object.entries(r.tiers).map(([tier, rule]) => (
      <tr key={`${r.name}/${tier}`} data-policy={r.name} data-tier={tier}>
        <td className="mono">{r.name}</td>
        <td className="mono">{tier === '*' ? any : tier}</td>
        <RuleCells
          at={`routes/${i}/${tier}`}
          rule={rule}
          budget={r.name}
          tier={tier === '*' ? any : tier}
          {...cell}
        />
      </tr>
    )),
  );
}

function PolicyForm(p: { view: GroupView<Policy>; saveForm: (value: Policy | null) => ReactNode }) {
  const policy = p.view.value;
  const [texts, setTexts] = useState(() => textsOf(policy));
  const set = (path: string, text: string) => setTexts({ ...texts, [path]: text });
  const ok = Object.values(texts).every(isNumber);
  const cell = { texts, set, canSave: p.view.can_change };
  const heads = { policy: m.health.policy, tier: m.health.tier, kind: w.kind, values: w.values };
  return (
    <>
      <h3>{w.tiers}</h3>
      <DataTable testId="tiers" words={heads} columns={['tier', 'kind', 'values']}>
        <TierRows policy={policy} cell={cell} />
      </DataTable>
      <h3>{w.routes}</h3>
      <DataTable
        testId="route-budgets"
        words={heads}
        columns={['policy', 'tier', 'kind', 'values']}
      >
        <RouteRows policy={policy} cell={cell} />
      </DataTable>
      <h3>{w.rolesOn}</h3>
      <p className="mono">
        {Object.entries(policy.role_tiers)
          .map(([role, tier]) => `${role} → ${tier}`)
          .join(' · ')}
      </p>
      {p.saveForm(ok ? withTexts(policy, texts) : null)}
    </>
  );
}

/** The policy in force (and where it comes from), its tiers and route budgets to change. */
export function RateLimits() {
  const state = useQuery({
    queryKey: STATE_KEY,
    queryFn: () => unwrap(api.GET('/v1/ops/rate-limits')),
  });
  const source = (
    <>
      {state.data && (
        <p className="muted" data-testid="rate-limit-source">
          {state.data.enabled ? w.source(state.data.source) : w.off}
        </p>
      )}
      <ErrorNote error={state.error} words={m.problems} />
    </>
  );
  return (
    <GroupShell
      api={policyApi}
      name={m.settings.sections.rateLimits}
      intro={w.intro}
      aside={source}
      labelOf={labelOf}
      onSaved={() => void queryClient.invalidateQueries({ queryKey: STATE_KEY })}
      form={(view, saveForm) => <PolicyForm view={view} saveForm={saveForm} />}
    />
  );
}
