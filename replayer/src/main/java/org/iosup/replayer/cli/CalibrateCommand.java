package org.iosup.replayer.cli;

import org.iosup.analysis.Durations;
import org.iosup.calibrate.Calibration;
import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.io.AtomicOutput;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.model.Cost;
import org.iosup.model.CostProfile;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.report.CsvTable;
import org.iosup.report.Numbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code iosup calibrate}: fits cost parameters to measured figures and writes the fitted profile. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Fit chosen CPU cost parameters to measured figures, and write the fitted cost profile.",
        sortOptions = false,
        description = {
            "Replays each trace of the targets once under the policies they name, keeping what every cost was",
            "charged, then fits the parameters named by --fit (within their bounds; every other cost as in",
            "--costs and --cost) by bounded least squares on the targets' residuals. Writes OUTDIR/profile.json",
            "(schemas/cost-profile.schema.json; give it to replay --costs) and OUTDIR/residuals.csv",
            "(schemas/calibrate-residuals.schema.json). A fit that does not converge, that has more parameters",
            "than targets, or whose parameter ends on a bound is refused (exit 2) and nothing is written.",
            "Deterministic: the same targets and options give the same files."
        })
public final class CalibrateCommand implements Callable<Integer> {
    private static final Pattern FIT = Pattern.compile("([a-z0-9_]+)=([0-9]+(?:\\.[0-9]+)?)\\.\\.([0-9]+(?:\\.[0-9]+)?)");

    @Spec
    CommandSpec spec;

    @Option(names = "--targets", required = true, paramLabel = "FILE.csv",
            description = {"The measured figures (schemas/calibrate-targets.schema.json): columns trace, policy,",
                "metric, value and optionally baseline, weight; a trace is a Parquet file or preset:NAME."})
    Path targets;

    @Option(names = "--fit", required = true, paramLabel = "NAME=LOW..HIGH",
            description = {"A cost to fit and its bounds in ns, repeatable, e.g. --fit table_ctor_ns=0..5000."})
    List<String> fits = new ArrayList<>();

    @Mixin
    Mixins.OutDir outDir;

    @Option(names = "--costs", paramLabel = "PROFILE", defaultValue = "defaults",
            description = {"The profile the fit starts from, whose other costs stay fixed: a built-in name or a",
                "profile file (default: ${DEFAULT-VALUE}, every documented default)."})
    String costProfile;

    @Option(names = "--cost", paramLabel = "NAME=VALUE", description = "Override one fixed cost, repeatable (as replay's --cost).")
    List<String> costOverrides = new ArrayList<>();

    @Option(names = "--iommu-units", paramLabel = "N",
            description = {"IOMMU units of the machine, written to the profile's platform and used by its replays",
                "(default: the starting profile's; docs/model.md section 4)."})
    Integer iommuUnits;

    @Option(names = "--platform-source", paramLabel = "TEXT",
            description = "Where --iommu-units comes from, written to the profile's platform.")
    String platformSource;

    @Option(names = "--profile", defaultValue = "xen-4.2.1", paramLabel = "NAME",
            description = "Hypervisor profile of the replays (default: ${DEFAULT-VALUE}, the paper's Xen).")
    String profile;

    @Option(names = "--warmup", defaultValue = "5m", paramLabel = "TIME",
            description = {"Leave out the minutes before TIME, as the paper's Figure 6 leaves out the pools'",
                "filling (default: ${DEFAULT-VALUE}; 0 for none)."})
    String warmup;

    @Option(names = "--name", paramLabel = "NAME", description = "The fitted profile's name (default: the name of OUTDIR).")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "The fitted profile's description.")
    String description;

    @Mixin
    Mixins.Quiet quiet;

    /** The --fit options as parameters with bounds. */
    static List<Calibration.Fit> parseFits(List<String> given) {
        List<Calibration.Fit> out = new ArrayList<>();
        for (String f : given) {
            Matcher m = FIT.matcher(f.strip());
            if (!m.matches()) {
                throw new UserException("--fit " + f + ": give NAME=LOW..HIGH in ns, e.g. --fit table_ctor_ns=0..5000");
            }
            Cost c = Cost.byKey(m.group(1));
            if (c == null) {
                throw new UserException("--fit " + f + ": unknown cost '" + m.group(1) + "' (valid: "
                        + String.join(", ", org.iosup.model.CostModel.DEFAULT.asMap().keySet()) + ")");
            }
            double lo = Double.parseDouble(m.group(2));
            double hi = Double.parseDouble(m.group(3));
            if (!(hi > lo) || hi > 1e12) {
                throw new UserException("--fit " + f + ": the bounds must satisfy LOW < HIGH <= 1e12");
            }
            out.add(new Calibration.Fit(c, lo, hi));
        }
        return out;
    }

    @Override
    public Integer call() throws IOException {
        List<Calibration.Fit> parsed = parseFits(fits);
        List<Calibration.Target> list = Calibration.readTargets(targets);
        CostProfile start = ReplayCommand.costs(costProfile, costOverrides);
        if (iommuUnits != null || platformSource != null) {
            if (iommuUnits == null) {
                throw new UserException("--platform-source needs --iommu-units: it is the source of that figure");
            }
            start = start.withPlatform(new CostProfile.Platform(iommuUnits,
                    platformSource == null ? "" : platformSource));
        }
        HypervisorProfile hv = HypervisorProfile.named(profile);
        long warmupNs = warmup.strip().equals("0") ? 0 : Durations.parseNanos(warmup, "--warmup");
        if (warmupNs % 60_000_000_000L != 0) {
            throw new UserException("--warmup " + warmup + ": give whole minutes (the figures are per minute)");
        }
        int warmupMinutes = (int) (warmupNs / 60_000_000_000L);
        Path abs = outDir.path().toAbsolutePath().normalize();
        String profileName = name != null ? name : abs.getFileName() == null ? "calibrated" : abs.getFileName().toString();
        String text = description != null ? description : "fitted by iosup calibrate to " + targets.getFileName();
        Calibration.Outcome o;
        try (OutputFolder out = OutputFolder.open(outDir.path(), "calibrate")) {
            o = Calibration.run(list, parsed, start, hv, warmupMinutes, profileName, text, commandText());
            AtomicOutput profileFile = out.file("profile.json");
            try (OutputStream s = profileFile.newOutputStream()) {
                s.write(o.profile().toJsonText().getBytes(StandardCharsets.UTF_8));
            }
            AtomicOutput residuals = out.file("residuals.csv");
            try (CsvTable t = CsvTable.create(Calibration.RESIDUALS, residuals.temp())) {
                for (Calibration.Row r : o.rows()) {
                    Calibration.Target g = r.target();
                    t.row(List.of(g.line(), g.trace(), g.policy(), g.baseline(), g.metric(), g.value(), r.model(),
                            r.residual(), r.unit()));
                }
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("targets", targets.toString());
            parameters.put("fit", fits);
            parameters.put("start", start.describe());
            parameters.put("hypervisor_profile", hv.name());
            parameters.put("warmup_minutes", warmupMinutes);
            manifest.put("parameters", parameters);
            manifest.put("results", Map.of("iterations", o.iterations(), "fitted", fittedValues(o, parsed)));
            out.manifest(manifest);
            out.commit();
        }
        if (!quiet.on()) {
            PrintWriter w = spec.commandLine().getOut();
            w.print(table(o, parsed));
            w.flush();
            spec.commandLine().getErr().printf(Locale.ROOT, "iosup calibrate: %d parameter(s) fitted to %d target(s) in %d"
                    + " iterations -> %s%n", parsed.size(), list.size(), o.iterations(), outDir.path());
            spec.commandLine().getErr().flush();
        }
        return 0;
    }

    private static Map<String, Object> fittedValues(Calibration.Outcome o, List<Calibration.Fit> fits) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Calibration.Fit f : fits) {
            m.put(f.cost().key(), o.profile().costs().get(f.cost()));
        }
        return m;
    }

    /** The fitted values, then every target with the model's figure and the residual. */
    static String table(Calibration.Outcome o, List<Calibration.Fit> fits) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-24s %12s  %s%n", "fitted", "value", "bounds"));
        for (Calibration.Fit f : fits) {
            s.append(String.format(Locale.ROOT, "%-24s %12d  %s..%s%n", f.cost().key(), o.profile().costs().get(f.cost()),
                    Numbers.plain(f.lo()), Numbers.plain(f.hi())));
        }
        s.append(String.format(Locale.ROOT, "%n%-20s %-22s %-26s %12s %12s %10s%n", "trace", "policy", "metric",
                "target", "model", "residual"));
        for (Calibration.Row r : o.rows()) {
            Calibration.Target t = r.target();
            s.append(String.format(Locale.ROOT, "%-20s %-22s %-26s %12.4f %12.4f %10.4f%n", t.trace(), t.policy(),
                    t.metric(), t.value(), r.model(), r.residual()));
        }
        return s.toString();
    }

    /** The command line as a user would type it again (recorded in the profile's fit section). */
    private String commandText() {
        List<String> words = new ArrayList<>(List.of("iosup", "calibrate", "--targets", targets.toString()));
        for (String f : fits) {
            words.add("--fit");
            words.add(f);
        }
        if (!costProfile.equals("defaults")) {
            words.addAll(List.of("--costs", costProfile));
        }
        for (String c : costOverrides) {
            words.addAll(List.of("--cost", c));
        }
        words.addAll(List.of("--profile", profile, "--warmup", warmup));
        if (name != null) {
            words.addAll(List.of("--name", name));
        }
        if (description != null) {
            words.addAll(List.of("--description", "'" + description.replace("'", "'\\''") + "'"));
        }
        words.addAll(List.of("-o", outDir.path().toString()));
        return String.join(" ", words);
    }
}
