package org.iosup.calibrate;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.iosup.io.Failures;
import org.iosup.io.Temporaries;
import org.iosup.io.UserException;
import org.iosup.model.Cost;
import org.iosup.model.CostModel;
import org.iosup.model.CostProfile;
import org.iosup.model.Metric;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.CostLedger;
import org.iosup.replay.PolicyModel;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.schema.TableSchema;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code iosup calibrate}: fits chosen cost parameters to measured targets. Each trace is replayed
 * once under every policy its targets name, keeping the charges by cost ({@link CostLedger}); every
 * CPU figure is then a sum of charges times costs, so any candidate profile is evaluated without
 * replaying. The fit is bounded least squares ({@link LeastSquares}); a fit that does not
 * converge, or whose parameter ends on a bound, is refused.
 */
public final class Calibration {
    public static final TableSchema TARGETS = TableSchema.load("calibrate-targets");
    public static final TableSchema RESIDUALS = TableSchema.load("calibrate-residuals");
    /** The figures a target may name (each also with {@code _change_pct}). */
    public static final List<String> METRICS = List.of("cpu_ns_alloc", "cpu_ns_free", "cpu_ns_pin", "cpu_ns_unpin",
            "cpu_ns_teardown", "cpu_ns_mmu_update", "cpu_ns_process", "cpu_ns_total", "cpu_us_per_exit");

    /** One measured figure to fit: a line of the targets file. */
    public record Target(int line, String trace, String policy, String metric, double value, String baseline,
                         double weight) {
        boolean change() {
            return metric.endsWith("_change_pct");
        }

        String base() {
            return change() ? metric.substring(0, metric.length() - "_change_pct".length()) : metric;
        }
    }

    /** A parameter to fit, within its bounds. */
    public record Fit(Cost cost, double lo, double hi) {
    }

    /** A target with the model's figure under the fitted costs. */
    public record Row(Target target, double model, double residual, String unit) {
    }

    /** The outcome: the fitted profile and every target's residual. */
    public record Outcome(CostProfile profile, List<Row> rows, int iterations) {
    }

    /** What one policy of one trace was charged, over the minutes from the warm-up on. */
    private record Observed(long[][] charges, long exits, int minutes) {
    }

    private Calibration() {
    }

    /** Reads a targets file ({@code schemas/calibrate-targets.schema.json}); errors name the line and column. */
    public static List<Target> readTargets(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such file");
        }
        List<Target> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setCommentMarker('#')
                     .setIgnoreEmptyLines(true).get().parse(r)) {
            for (String required : List.of("trace", "policy", "metric", "value")) {
                if (!p.getHeaderNames().contains(required)) {
                    throw new UserException(file + " line 1: the header has no column '" + required
                            + "' (columns: trace, policy, metric, value, and optionally baseline, weight; "
                            + "schemas/calibrate-targets.schema.json)");
                }
            }
            for (String h : p.getHeaderNames()) {
                if (!TARGETS.fieldNames().contains(h)) {
                    throw new UserException(file + " line 1: unknown column '" + h + "' (valid: "
                            + String.join(", ", TARGETS.fieldNames()) + ")");
                }
            }
            for (CSVRecord rec : p) {
                int line = (int) rec.getParser().getCurrentLineNumber();
                String where = file + " line " + line;
                String metric = rec.get("metric").strip();
                String base = metric.endsWith("_change_pct") ? metric.substring(0, metric.length() - 11) : metric;
                if (!METRICS.contains(base)) {
                    throw new UserException(where + ": column 'metric' value '" + metric + "': not a figure calibrate"
                            + " knows (valid: " + String.join(", ", METRICS) + ", each also with _change_pct)");
                }
                double value = number(rec.get("value"), where, "value");
                String baseline = rec.isMapped("baseline") && !rec.get("baseline").isBlank() ? rec.get("baseline").strip()
                        : "disabled";
                double weight = rec.isMapped("weight") && !rec.get("weight").isBlank()
                        ? number(rec.get("weight"), where, "weight") : 1;
                if (!(weight > 0)) {
                    throw new UserException(where + ": column 'weight' must be positive, got " + weight);
                }
                String trace = rec.get("trace").strip();
                String policy = rec.get("policy").strip();
                PolicySpec.parse(policy);
                PolicySpec.parse(baseline);
                if (trace.isEmpty()) {
                    throw new UserException(where + ": column 'trace' is empty (a Parquet trace, or preset:NAME)");
                }
                out.add(new Target(line, trace, policy, metric, value, baseline, weight));
            }
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + Failures.reason(e) + ")", e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new UserException(file + ": malformed CSV (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty()) {
            throw new UserException(file + ": no targets");
        }
        return out;
    }

    private static double number(String v, String where, String column) {
        try {
            double d = Double.parseDouble(v.strip());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserException(where + ": column '" + column + "' value '" + v + "': not a number");
    }

    /**
     * Fits {@code fits} to {@code targets}, the other costs those of {@code start}; the replays use
     * the hypervisor profile {@code hv} and leave out the first {@code warmupMinutes} minutes.
     */
    public static Outcome run(List<Target> targets, List<Fit> fits, CostProfile start, HypervisorProfile hv,
                              int warmupMinutes, String name, String description, String command) {
        if (fits.isEmpty()) {
            throw new UserException("give at least one --fit NAME=LOW..HIGH");
        }
        if (fits.size() > targets.size()) {
            throw new UserException(fits.size() + " parameters cannot be fitted to " + targets.size()
                    + " target(s): the fit would not be determined; fit fewer parameters or give more targets");
        }
        Set<Cost> seen = new LinkedHashSet<>();
        for (Fit f : fits) {
            if (!f.cost().unit().equals("ns")) {
                throw new UserException("--fit " + f.cost().key() + ": a count, not a cost in ns; it shapes what is"
                        + " charged and is not fitted (set it with --cost)");
            }
            if (!seen.add(f.cost())) {
                throw new UserException("--fit " + f.cost().key() + " is given twice");
            }
        }
        Map<String, Map<String, Observed>> observed = observe(targets, start.costs(), start.platform(), hv, warmupMinutes);
        double[] base = CostLedger.asDoubles(start.costs());
        double[] lo = new double[fits.size()];
        double[] hi = new double[fits.size()];
        double[] x0 = new double[fits.size()];
        for (int i = 0; i < fits.size(); i++) {
            lo[i] = fits.get(i).lo();
            hi[i] = fits.get(i).hi();
            x0[i] = Math.min(hi[i], Math.max(lo[i], base[fits.get(i).cost().ordinal()]));
        }
        LeastSquares.Result r = LeastSquares.minimize(x -> residuals(targets, observed, with(base, fits, x)), x0, lo, hi);
        if (!r.converged()) {
            throw new UserException("the fit did not converge in " + r.iterations() + " iterations (sum of squared"
                    + " residuals " + String.format(Locale.ROOT, "%.6g", r.sumOfSquares()) + "); nothing written");
        }
        CostModel fitted = start.costs();
        for (int i = 0; i < fits.size(); i++) {
            double v = r.x()[i];
            double span = hi[i] - lo[i];
            // On a bound: within a millionth of the range, or within the half ns the profile rounds to.
            double near = Math.max(1e-6 * span, 0.5);
            if (v - lo[i] <= near || hi[i] - v <= near) {
                throw new UserException("--fit " + fits.get(i).cost().key() + ": the fit ends on its bound ("
                        + fmt(v) + " in " + fmt(lo[i]) + ".." + fmt(hi[i]) + "): the targets want a value outside the"
                        + " range given, or another parameter; nothing written");
            }
            fitted = fitted.with(fits.get(i).cost(), Math.round(v));
        }
        // The residuals of the profile as written (whole ns), not of the continuous optimum.
        double[] c = CostLedger.asDoubles(fitted);
        List<Row> rows = new ArrayList<>();
        for (Target t : targets) {
            double model = value(t, observed.get(t.trace()), c);
            rows.add(new Row(t, model, residual(t, model), t.change() ? "percentage points" : "percent"));
        }
        List<String> fittedKeys = new ArrayList<>(start.fitted());
        for (Fit f : fits) {
            if (!fittedKeys.contains(f.cost().key())) {
                fittedKeys.add(f.cost().key());
            }
        }
        Map<String, Object> fit = new LinkedHashMap<>();
        fit.put("command", command);
        fit.put("method", "bounded Levenberg-Marquardt least squares on the targets' residuals (percentage points for"
                + " _change_pct targets, percent of the target otherwise), from one replay of each trace");
        fit.put("hypervisor_profile", hv.name());
        fit.put("warmup_minutes", warmupMinutes);
        fit.put("iterations", r.iterations());
        List<Object> list = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("trace", row.target().trace());
            m.put("policy", row.target().policy());
            m.put("baseline", row.target().baseline());
            m.put("metric", row.target().metric());
            m.put("target", row.target().value());
            m.put("model", round(row.model()));
            m.put("residual", round(row.residual()));
            list.add(m);
        }
        fit.put("targets", list);
        Map<String, Object> bounds = new LinkedHashMap<>();
        for (Fit f : fits) {
            bounds.put(f.cost().key(), List.of(f.lo(), f.hi()));
        }
        fit.put("bounds", bounds);
        return new Outcome(new CostProfile(name, description, fitted, List.copyOf(fittedKeys), fit,
                start.platform()), rows, r.iterations());
    }

    /** The figure a target names, under costs {@code c}. */
    static double value(Target t, Map<String, Observed> byPolicy, double[] c) {
        double v = figure(t.base(), byPolicy.get(t.policy()), c);
        if (!t.change()) {
            return v;
        }
        double b = figure(t.base(), byPolicy.get(t.baseline()), c);
        return b == 0 ? 0 : (v - b) * 100 / b;
    }

    private static double figure(String metric, Observed o, double[] c) {
        double[] parts = CostLedger.evaluate(o.charges(), c);
        double total = 0;
        for (double p : parts) {
            total += p;
        }
        return switch (metric) {
            case "cpu_ns_total" -> total / o.minutes();
            case "cpu_us_per_exit" -> o.exits() == 0 ? 0 : total / 1e3 / o.exits();
            default -> parts[CostLedger.part(Metric.valueOf(metric.toUpperCase(Locale.ROOT)))] / o.minutes();
        };
    }

    private static double residual(Target t, double model) {
        double r = t.change() ? model - t.value() : (model - t.value()) * 100 / Math.abs(t.value() == 0 ? 1 : t.value());
        return r * t.weight();
    }

    private static double[] residuals(List<Target> targets, Map<String, Map<String, Observed>> observed, double[] c) {
        double[] r = new double[targets.size()];
        for (int i = 0; i < r.length; i++) {
            Target t = targets.get(i);
            r[i] = residual(t, value(t, observed.get(t.trace()), c));
        }
        return r;
    }

    private static double[] with(double[] base, List<Fit> fits, double[] x) {
        double[] c = base.clone();
        for (int i = 0; i < fits.size(); i++) {
            c[fits.get(i).cost().ordinal()] = x[i];
        }
        return c;
    }

    /** Replays each trace once under the policies its targets name, keeping the charges by cost. */
    private static Map<String, Map<String, Observed>> observe(List<Target> targets, CostModel costs,
                                                              CostProfile.Platform platform, HypervisorProfile hv,
                                                              int warmup) {
        Map<String, Set<String>> policies = new LinkedHashMap<>();
        for (Target t : targets) {
            Set<String> s = policies.computeIfAbsent(t.trace(), k -> new LinkedHashSet<>());
            s.add(t.policy());
            if (t.change()) {
                s.add(t.baseline());
            }
        }
        Map<String, Map<String, Observed>> out = new LinkedHashMap<>();
        Path scratch = null;
        try {
            for (var e : policies.entrySet()) {
                Path trace;
                if (e.getKey().startsWith("preset:")) {
                    if (scratch == null) {
                        scratch = Files.createTempDirectory("iosup-calibrate");
                        Temporaries.register(scratch);
                    }
                    trace = synthesize(e.getKey().substring("preset:".length()), scratch);
                } else {
                    trace = Path.of(e.getKey());
                }
                List<String> texts = new ArrayList<>(e.getValue());
                List<PolicySpec> specs = new ArrayList<>();
                for (String p : texts) {
                    specs.add(PolicySpec.parse(p));
                }
                ReplayResult r = Replay.run(new ReplayConfig(trace, specs, hv, null, IommuConfig.DEFAULT.withUnits(platform.iommuUnits()),
                        new CostProfile("calibration", "", costs, List.of(), Map.of(), platform), 1, false), null, true);
                if (r.minutes() <= warmup) {
                    throw new UserException(e.getKey() + ": the trace has " + r.minutes() + " minute(s), no more than the"
                            + " warm-up of " + warmup + "; give a shorter --warmup");
                }
                Map<String, Observed> byPolicy = new LinkedHashMap<>();
                for (int i = 0; i < specs.size(); i++) {
                    PolicyModel m = r.policies().get(i);
                    long exits = 0;
                    for (int minute = warmup; minute < r.minutes(); minute++) {
                        exits += m.series().row(minute)[Metric.PROC_EXITS.ordinal()];
                    }
                    byPolicy.put(texts.get(i), new Observed(r.ledgers().get(i).sum(warmup, r.minutes()), exits,
                            r.minutes() - warmup));
                }
                out.put(e.getKey(), byPolicy);
            }
        } catch (IOException e) {
            throw new UserException("cannot write a scratch trace: " + Failures.reason(e), e);
        } finally {
            if (scratch != null) {
                Temporaries.deleteTree(scratch);
                Temporaries.unregister(scratch);
            }
        }
        return out;
    }

    /** A synthesizer preset with its defaults, as a scratch Parquet trace. */
    private static Path synthesize(String preset, Path dir) {
        SynthParams p = SynthParams.defaults(preset).validate();
        Path trace = dir.resolve(preset + ".parquet");
        SyntheticTrace.writeParquet(p, trace);
        return trace;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static String fmt(double v) {
        return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
