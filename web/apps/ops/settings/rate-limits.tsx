import { type ReactNode, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, m, queryClient } from '../app.ts';
import { DataTable } from '../table.tsx';
import { GroupShell, type GroupView, settingsApi, type ValueOf } from './group-shell.tsx';
import type { SectionProps } from './section.ts';

// The rate-limit policy as ops change it: each tier's budget and each route budget's rule per
// tier, as numbers; the rest of the policy (which tier a role is on, the failure modes) is shown
// and saved as it is.

const policyApi = settingsApi('rate-limits');
type Policy = ValueOf<'rate-limits'>;
type Rule = Policy['tiers'][string];
type Texts = Record<string, string>;
const STATE_KEY = ['ops-settings', 'rate-limit-state'];

/** The two numbers of a rule: [field, label, whole number]. */
const fieldsOf = (rule: Exclude<Rule, 'unlimited'>) =>
  rule.algorithm === 'sliding_window'
    ? ([
        ['limit', m.settings.rateLimits.limit, true],
        ['window_s', m.settings.rateLimits.window, false],
      ] as const)
    : ([
        ['capacity', m.settings.rateLimits.capacity, true],
        ['refill_per_s', m.settings.rateLimits.refill, false],
      ] as const);

/** Every number of the policy as text, by its path (`tiers/free/limit`, `routes/0/*\/capacity`). */
function textsOf(p: Policy): Texts {
  const out: Texts = {};
  const add = (prefix: string, rule: Rule) => {
    if (rule === 'unlimited') return;
    for (const [field] of fieldsOf(rule))
      out[`${prefix}/${field}`] = String((rule as Record<string, unknown>)[field]);
  };
  for (const [tier, rule] of Object.entries(p.tiers)) add(`tiers/${tier}`, rule);
  p.routes.forEach((r, i) => {
    for (const [tier, rule] of Object.entries(r.tiers)) add(`routes/${i}/${tier}`, rule);
  });
  return out;
}

const valid = (path: string, text: string) => {
  const n = Number(text);
  const whole = path.endsWith('/limit') || path.endsWith('/capacity');
  return text.trim() !== '' && Number.isFinite(n) && n > 0 && (!whole || Number.isInteger(n));
};

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
  const w = m.settings.rateLimits;
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
        {fieldsOf(p.rule).map(([field, label, whole]) => (
          <label key={field} className="inline-field">
            <span className="muted">{label}</span>
            <input
              type="number"
              min={0}
              step={whole ? 1 : 'any'}
              aria-label={w.ruleOf(p.budget, p.tier, label)}
              value={p.texts[`${p.at}/${field}`] ?? ''}
              aria-invalid={!valid(`${p.at}/${field}`, p.texts[`${p.at}/${field}`] ?? '')}
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

function PolicyForm(p: {
  view: GroupView<Policy>;
  canSave: boolean;
  saveForm: (value: Policy | null) => ReactNode;
}) {
  const w = m.settings.rateLimits;
  const policy = p.view.value;
  const [texts, setTexts] = useState(() => textsOf(policy));
  const set = (path: string, text: string) => setTexts({ ...texts, [path]: text });
  const ok = Object.entries(texts).every(([path, text]) => valid(path, text));
  const cell = { texts, set, canSave: p.canSave };
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
export function RateLimits({ canSave }: SectionProps) {
  const w = m.settings.rateLimits;
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
      canSave={canSave}
      aside={source}
      onSaved={() => void queryClient.invalidateQueries({ queryKey: STATE_KEY })}
      form={(view, saveForm) => <PolicyForm view={view} canSave={canSave} saveForm={saveForm} />}
    />
  );
}
