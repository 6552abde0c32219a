package org.iosup.sweep;

import org.iosup.io.UserException;
import org.iosup.model.pool.PolicySpec;
import org.iosup.replay.ReplayConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Choosing a policy family's limits for a workload, the paper's future work: grid refinement, a
 * stated method without randomness. A first grid over the family's parameters on a doubling ladder
 * (each parameter from a small to a large value, a factor 2 apart), then {@link #ROUNDS} rounds
 * around the best feasible point so far with the factor's square root each time (2, 1.41, 1.19,
 * 1.09), each round one sweep (one read of the trace), and a last one over the choice's
 * neighbours. The best is the feasible policy (every constraint holds) with the best objective;
 * ties go to fewer flush calls, then to the policy evaluated first.
 */
public final class Tune {
    /** Refinement rounds after the first grid. */
    public static final int ROUNDS = 3;

    private Tune() {
    }

    /** The sweep figures an objective or a constraint may name, as sweep.csv's columns. */
    static final Map<String, Function<PolicySweep.Row, Double>> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("flush_calls_per_min", PolicySweep.Row::flushCallsPerMin);
        COLUMNS.put("flush_issued_per_min", PolicySweep.Row::flushIssuedPerMin);
        COLUMNS.put("pool_pages_peak", r -> (double) r.poolPagesPeak());
        COLUMNS.put("pool_pages_mean", PolicySweep.Row::poolPagesMean);
        COLUMNS.put("pool_releases", r -> (double) r.poolReleases());
        COLUMNS.put("cpu_ms_per_min", PolicySweep.Row::cpuMsPerMin);
        COLUMNS.put("iotlb_misses_per_min", PolicySweep.Row::iotlbMissesPerMin);
    }

    private static Function<PolicySweep.Row, Double> columnOf(String name, String what) {
        Function<PolicySweep.Row, Double> f = COLUMNS.get(name);
        if (f == null) {
            throw new UserException(what + ": unknown column '" + name + "' (valid: " + String.join(", ", COLUMNS.keySet()) + ")");
        }
        return f;
    }

    /** {@code min COLUMN} or {@code max COLUMN}. */
    public record Objective(boolean minimize, String column) {
        public static Objective parse(String text) {
            String[] w = text.strip().split("\\s+");
            if (w.length != 2 || !(w[0].equalsIgnoreCase("min") || w[0].equalsIgnoreCase("max"))) {
                throw new UserException("--objective '" + text + "': write 'min COLUMN' or 'max COLUMN', e.g. 'min pool_pages_peak'");
            }
            columnOf(w[1], "--objective '" + text + "'");
            return new Objective(w[0].equalsIgnoreCase("min"), w[1]);
        }

        public double of(PolicySweep.Row r) {
            return COLUMNS.get(column).apply(r);
        }

        /** Better first. */
        Comparator<PolicySweep.Row> order() {
            Comparator<PolicySweep.Row> c = Comparator.comparingDouble(this::of);
            return minimize ? c : c.reversed();
        }

        @Override
        public String toString() {
            return (minimize ? "min " : "max ") + column;
        }
    }

    /** {@code COLUMN <= VALUE} (or {@code <}, {@code >=}, {@code >}). */
    public record Constraint(String column, String op, double value, String text) {
        public static Constraint parse(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\w+)\\s*(<=|>=|<|>)\\s*(\\S+)\\s*")
                    .matcher(text);
            if (!m.matches()) {
                throw new UserException("--constraint '" + text + "': write 'COLUMN <= VALUE' (or <, >=, >), e.g. 'flush_calls_per_min <= 100'");
            }
            columnOf(m.group(1), "--constraint '" + text + "'");
            double v;
            try {
                v = m.group(3).matches("[-+0-9.eE]+") ? Double.parseDouble(m.group(3)) : Double.NaN;
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!Double.isFinite(v)) {
                throw new UserException("--constraint '" + text + "': '" + m.group(3) + "' is not a number");
            }
            return new Constraint(m.group(1), m.group(2), v, text.strip());
        }

        public boolean holds(PolicySweep.Row r) {
            double x = COLUMNS.get(column).apply(r);
            return switch (op) {
                case "<=" -> x <= value;
                case "<" -> x < value;
                case ">=" -> x >= value;
                default -> x > value;
            };
        }
    }

    /** A tunable family: its parameters' first ladders and how a point becomes a spec. */
    public enum Family {
        /** Pools on at {@code at}, the shrink rule's ratio and total tuned. */
        DYNAMIC("dynamic", new double[][] {{16, 32, 64, 128, 256, 512, 1024}, {0.5, 1, 2, 4}},
                new String[] {"shrink-total", "shrink-ratio"}),
        /** Pools from the start with the shrink rule on, its ratio and total tuned. */
        PRE_ENABLED("pre-enabled", new double[][] {{16, 32, 64, 128, 256, 512, 1024}, {0.5, 1, 2, 4}},
                new String[] {"shrink-total", "shrink-ratio"}),
        /** Pools from the start with a cap per level tuned. */
        CAP("cap", new double[][] {{4, 8, 16, 32, 64, 128, 256, 512}}, new String[] {"cap"});

        final String label;
        final double[][] ladders;
        final String[] params;

        Family(String label, double[][] ladders, String[] params) {
            this.label = label;
            this.ladders = ladders;
            this.params = params;
        }

        public static Family parse(String text) {
            for (Family f : values()) {
                if (f.label.equalsIgnoreCase(text.strip())) {
                    return f;
                }
            }
            throw new UserException("--family '" + text + "': valid: dynamic, pre-enabled, cap");
        }

        /** The spec of a point: integers for totals and caps, ratios to three decimals. */
        String spec(double[] point, String at) {
            StringBuilder b = new StringBuilder(switch (this) {
                case DYNAMIC -> "dynamic@" + at;
                case PRE_ENABLED -> "pre-enabled,shrink=on";
                case CAP -> "pre-enabled";
            });
            for (int i = 0; i < params.length; i++) {
                b.append(',').append(params[i]).append('=').append(text(params[i], point[i]));
            }
            return b.toString();
        }

        static String text(String param, double v) {
            if (param.equals("shrink-ratio")) {
                return org.iosup.report.Numbers.plain(Math.round(v * 1000) / 1000.0);
            }
            return Long.toString(Math.max(1, Math.round(v)));
        }

        public String label() {
            return label;
        }

        public List<String> params() {
            return List.of(params);
        }
    }

    /** One evaluated policy: the round that asked for it, its figures, whether it is feasible. */
    public record Evaluated(int round, double[] point, PolicySweep.Row row, boolean feasible, double objective) {
    }

    /** The outcome: every policy evaluated (first round first), the choice, the runner-up (or null), the neighbours of the choice. */
    public record Result(List<Evaluated> evaluated, Evaluated best, Evaluated runnerUp, List<Evaluated> neighbours) {
    }

    /**
     * Tunes {@code family} on {@code config}'s trace (its IOMMU, profile, costs): {@code at} is the
     * dynamic family's switch time; rates are means after {@code warmupMinutes}.
     */
    public static Result run(ReplayConfig config, Family family, String at, Objective objective,
                             List<Constraint> constraints, int warmupMinutes, java.util.function.IntConsumer roundDone) {
        return run(specs -> PolicySweep.run(config, specs, List.of(config.iommu().iotlbEntries()), warmupMinutes, null),
                family, at, objective, constraints, roundDone);
    }

    /**
     * The search over any evaluator of policies (a sweep of a trace, or a test's function): it is
     * given each round's new policies and returns their rows in the same order.
     */
    public static Result run(Function<List<PolicySpec>, List<PolicySweep.Row>> evaluator, Family family, String at,
                             Objective objective, List<Constraint> constraints, java.util.function.IntConsumer roundDone) {
        Map<String, Evaluated> seen = new LinkedHashMap<>();
        List<double[]> points = grid(family.ladders);
        Evaluated best = null;
        double factor = 2;
        for (int round = 0; round <= ROUNDS; round++) {
            evaluate(evaluator, family, at, objective, constraints, round, points, seen);
            best = best(seen.values(), objective);
            if (roundDone != null) {
                roundDone.accept(round);
            }
            if (round == ROUNDS) {
                break;
            }
            factor = Math.sqrt(factor);
            double[] centre = best != null ? best.point() : middle(family.ladders);
            points = around(centre, factor, family);
        }
        // The choice's neighbours one last step away, each parameter down, kept or up: how sensitive
        // the objective is there. A better one among them becomes the choice, and its neighbours
        // are evaluated in turn (a few times at most).
        for (int pass = 0; best != null && pass < 5; pass++) {
            Evaluated before = best;
            evaluate(evaluator, family, at, objective, constraints, ROUNDS + 1, around(best.point(), factor, family), seen);
            best = best(seen.values(), objective);
            if (best == before) {
                break;
            }
        }
        Evaluated chosen = best;
        Evaluated runnerUp = chosen == null ? null : seen.values().stream()
                .filter(e -> e.feasible() && e != chosen)
                .sorted(ranking(objective)).findFirst().orElse(null);
        List<Evaluated> neighbours = new ArrayList<>();
        if (chosen != null) {
            for (double[] p : around(chosen.point(), factor, family)) {
                String s = family.spec(p, at);
                if (!s.equals(chosen.row().policy().spec()) && seen.containsKey(s)) {
                    neighbours.add(seen.get(s));
                }
            }
        }
        return new Result(List.copyOf(seen.values()), chosen, runnerUp, neighbours);
    }

    private static void evaluate(Function<List<PolicySpec>, List<PolicySweep.Row>> evaluator, Family family, String at,
                                 Objective objective, List<Constraint> constraints, int round, List<double[]> points,
                                 Map<String, Evaluated> seen) {
        Map<String, double[]> fresh = new LinkedHashMap<>();
        for (double[] p : points) {
            String s = family.spec(p, at);
            if (!seen.containsKey(s)) {
                fresh.putIfAbsent(s, p);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        List<PolicySpec> specs = fresh.keySet().stream().map(PolicySpec::parse).toList();
        List<PolicySweep.Row> rows = evaluator.apply(specs);
        for (PolicySweep.Row r : rows) {
            boolean ok = constraints.stream().allMatch(c -> c.holds(r));
            seen.put(r.policy().spec(), new Evaluated(round, fresh.get(r.policy().spec()), r, ok, objective.of(r)));
        }
    }

    private static Comparator<Evaluated> ranking(Objective objective) {
        Comparator<Evaluated> c = Comparator.comparingDouble(Evaluated::objective);
        if (!objective.minimize()) {
            c = c.reversed();
        }
        // Ties beyond that go to the policy evaluated first (the sort is stable over the evaluation
        // order), so that a flat objective does not draw the choice away from where it was found.
        return c.thenComparingDouble(e -> e.row().flushCallsPerMin());
    }

    private static Evaluated best(java.util.Collection<Evaluated> all, Objective objective) {
        return all.stream().filter(Evaluated::feasible).sorted(ranking(objective)).findFirst().orElse(null);
    }

    /** Every combination of the ladders' values. */
    static List<double[]> grid(double[][] ladders) {
        List<double[]> out = new ArrayList<>(List.of(new double[0]));
        for (double[] ladder : ladders) {
            List<double[]> next = new ArrayList<>();
            for (double[] p : out) {
                for (double v : ladder) {
                    double[] q = java.util.Arrays.copyOf(p, p.length + 1);
                    q[p.length] = v;
                    next.add(q);
                }
            }
            out = next;
        }
        return out;
    }

    private static double[] middle(double[][] ladders) {
        double[] m = new double[ladders.length];
        for (int i = 0; i < ladders.length; i++) {
            m[i] = ladders[i][ladders[i].length / 2];
        }
        return m;
    }

    /** The points around {@code centre}: each parameter divided by, kept or multiplied by {@code factor}. */
    static List<double[]> around(double[] centre, double factor, Family family) {
        double[][] ladders = new double[centre.length][];
        for (int i = 0; i < centre.length; i++) {
            ladders[i] = new double[] {centre[i] / factor, centre[i], centre[i] * factor};
        }
        Set<String> specs = new LinkedHashSet<>();
        List<double[]> out = new ArrayList<>();
        for (double[] p : grid(ladders)) {
            if (specs.add(family.spec(p, "x"))) {
                out.add(p);
            }
        }
        return out;
    }

    /** The point of an evaluated policy as its parameters' texts, e.g. {@code shrink-total=128, shrink-ratio=2}. */
    public static String describe(Family family, double[] point) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < point.length; i++) {
            parts.add(family.params[i] + "=" + Family.text(family.params[i], point[i]));
        }
        return String.join(", ", parts).toLowerCase(Locale.ROOT);
    }
}
