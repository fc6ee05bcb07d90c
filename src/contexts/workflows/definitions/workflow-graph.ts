// The checks over a workflow definition's state graph that zod's shapes cannot express (the
// meta-schema in workflow-definition.ts runs them): targets name states, every state is
// reachable, an end is reachable, and no cycle runs without a `wait`. Iterative, linear in the
// number of transitions.

/** A transition as far as the graph is concerned. */
type GraphTransition =
  | { readonly goto: string }
  | { readonly branch: { readonly cases: readonly { readonly goto: string }[]; readonly otherwise: string } }
  | { readonly end: string };

/** A definition as far as the graph is concerned (what the meta-schema's shapes returned). */
interface GraphDefinition {
  readonly initial: string;
  readonly states: Readonly<Record<string, { readonly actions?: readonly { readonly type: string }[] | undefined; readonly then: GraphTransition }>>;
}

/** One problem of the graph: where (a path in the definition) and why. */
interface WorkflowGraphIssue {
  /** The path in the definition, e.g. `['states', 'review', 'then', 'goto']`. */
  readonly path: readonly (string | number)[];
  /** Why. */
  readonly message: string;
}

interface Edge {
  readonly target: string;
  readonly path: readonly (string | number)[];
}

/** The transitions out of a state, in declaration order, with their paths. */
function edgesOf(name: string, then: GraphTransition): Edge[] {
  const at = (...rest: (string | number)[]) => ['states', name, 'then', ...rest];
  if ('goto' in then) return [{ target: then.goto, path: at('goto') }];
  if ('branch' in then) {
    return [
      ...then.branch.cases.map((c, i) => ({ target: c.goto, path: at('branch', 'cases', i, 'goto') })),
      { target: then.branch.otherwise, path: at('branch', 'otherwise') },
    ];
  }
  return [];
}

/**
 * The problems of a definition's state graph, in a stable order: `initial` or a transition
 * naming no state; a state not reachable from `initial` (at `states.<name>`) and no reachable
 * state that ends the execution (at `states`), both only once every transition names a state;
 * and each transition that closes a cycle of states none of which has a `wait` action (at that
 * transition: such a loop would spin without pause).
 */
export function workflowGraphIssues(definition: GraphDefinition): WorkflowGraphIssue[] {
  const issues: WorkflowGraphIssue[] = [];
  // A Map, so that names such as `constructor` are never looked up on a prototype.
  const states = new Map(Object.entries(definition.states));
  const edges = new Map<string, Edge[]>();
  for (const [name, state] of states) {
    const out = edgesOf(name, state.then);
    for (const edge of out) if (!states.has(edge.target)) issues.push({ path: edge.path, message: 'must name a state of the definition' });
    edges.set(name, out.filter((edge) => states.has(edge.target)));
  }
  const initialKnown = states.has(definition.initial);
  if (!initialKnown) issues.push({ path: ['initial'], message: 'must name a state of the definition' });

  // Reachability from the initial state (breadth first). With a transition naming no state it
  // is not reported: which states that transition was meant to reach is unknown, and each of
  // them would be reported as unreachable.
  const targetsKnown = issues.length === 0;
  const reachable = new Set<string>();
  if (initialKnown) {
    const queue = [definition.initial];
    reachable.add(definition.initial);
    for (let i = 0; i < queue.length; i += 1) {
      for (const edge of edges.get(queue[i] as string) ?? []) {
        if (!reachable.has(edge.target)) {
          reachable.add(edge.target);
          queue.push(edge.target);
        }
      }
    }
    for (const name of states.keys()) {
      if (targetsKnown && !reachable.has(name)) issues.push({ path: ['states', name], message: 'is not reachable from the initial state' });
    }
    const ends = [...reachable].some((name) => 'end' in (states.get(name)?.then ?? {}));
    if (targetsKnown && !ends) issues.push({ path: ['states'], message: 'must have a state that ends the workflow (then: { end }) reachable from the initial state' });
  }

  // Every cycle passes through a waiting state exactly when the states without a wait action
  // form no cycle: a depth-first search over them reports each edge that closes one.
  const waits = (name: string) => (states.get(name)?.actions ?? []).some((action) => action.type === 'wait');
  const considered = [...states.keys()].filter((name) => !waits(name) && (!initialKnown || reachable.has(name)));
  const candidates = new Set(considered);
  const state = new Map<string, 'open' | 'done'>();
  const roots = initialKnown && candidates.has(definition.initial) ? [definition.initial, ...considered] : considered;
  for (const root of roots) {
    if (state.has(root)) continue;
    state.set(root, 'open');
    const stack: { name: string; next: number }[] = [{ name: root, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { name: string; next: number };
      const out = edges.get(top.name) ?? [];
      if (top.next >= out.length) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const edge = out[top.next] as Edge;
      top.next += 1;
      if (!candidates.has(edge.target)) continue;
      const seen = state.get(edge.target);
      if (seen === 'open') {
        issues.push({ path: edge.path, message: 'closes a cycle without a wait action: a loop must pass through a state with a wait action' });
      } else if (seen === undefined) {
        state.set(edge.target, 'open');
        stack.push({ name: edge.target, next: 0 });
      }
    }
  }
  return issues;
}
