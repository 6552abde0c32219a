package org.iosup.replayer.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.Progress;
import org.iosup.cli.TraceReadMixin;
import org.iosup.cli.VersionProvider;
import org.iosup.io.Hashes;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.model.Anomalies;
import org.iosup.model.Cost;
import org.iosup.model.CostModel;
import org.iosup.model.CostProfile;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.DmaThroughput;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.report.replay.ReplayReport;
import org.iosup.trace.parquet.ParquetTraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code iosup replay}: one read of a trace, replayed under every policy given. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Replay a trace under pool policies and a hypervisor profile, in one read.",
        sortOptions = false,
        description = {
            "Replay a Parquet trace against the model of Xen's page types, the VT-d IOMMU and IOTLB and the",
            "guest's page-table pools, under each --policy, in one read. Writes OUTDIR/minutes.csv,",
            "OUTDIR/summary.csv and OUTDIR/manifest.json (formats in schemas/) and prints a summary."
        })
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE.parquet", description = "The trace to replay.")
    Path trace;

    @Mixin
    Mixins.OutDir outDir;

    @Option(names = "--policy", paramLabel = "SPEC",
            description = {"A policy, repeatable; the first is the baseline",
                "(default: disabled, pre-enabled, dynamic@5m): FAMILY[@TIME][,OPTION=VALUE...];",
                "the families and their options are listed under Policies below."})
    List<String> policies = new ArrayList<>();

    @Option(names = "--profile", defaultValue = "xen-4.2.1", paramLabel = "NAME",
            description = "Hypervisor profile: xen-4.2.1 (the paper's), xen-4.2.4 or xen-4.14 (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--paging", paramLabel = "MODE",
            description = "Guest paging: pae or x86-64 (default: the trace's iosup.paging metadata, else x86-64).")
    String paging;

    @Option(names = "--threads", paramLabel = "N", description = "Threads: 1 runs everything in turn; 2 or more overlap reading with replaying (default: the CPUs). Results do not depend on it.")
    Integer threads;

    @Mixin
    TraceReadMixin read;

    @Option(names = "--strict", description = "Make the first event the model cannot accept fatal (exit code 2).")
    boolean strict;

    @Option(names = "--caching-mode", description = "The IOMMU caches non-present entries (emulated IOMMUs): map flushes are issued too.")
    boolean cachingMode;

    @Option(names = "--no-page-selective", description = "The IOMMU lacks page-selective invalidation: every flush is domain-selective.")
    boolean noPageSelective;

    @Option(names = "--max-address-mask", defaultValue = "9", paramLabel = "ORDER",
            description = "Largest order of a page-selective flush (default: ${DEFAULT-VALUE}).")
    int maxAddressMask;

    @Option(names = "--iommu-units", paramLabel = "N",
            description = {"IOMMU units serving the domain; each flush is one call per unit (default: the cost",
                "profile's platform: 2 for paper-i5-3470, whose Ivy Bridge has a graphics unit beside the main one;",
                "1 otherwise; docs/model.md section 4)."})
    Integer units;

    @Option(names = "--iotlb-entries", defaultValue = "64", paramLabel = "N",
            description = "IOTLB entries (default: ${DEFAULT-VALUE}, about 256 KB of reach; docs/model.md §4).")
    int iotlbEntries;

    @Option(names = "--iotlb-ways", defaultValue = "8", paramLabel = "N",
            description = "IOTLB associativity (default: ${DEFAULT-VALUE}; not public, an assumption).")
    int iotlbWays;

    @Option(names = "--io-levels", defaultValue = "4", paramLabel = "N",
            description = "Levels of the domain's I/O page table: 4 (Xen's 48-bit default) or 3 (default: ${DEFAULT-VALUE}).")
    int ioLevels;

    @Option(names = "--psc-entries", defaultValue = "16,4,1", paramLabel = "PDE,PDPE,PML4",
            description = {"Paging-structure cache entries per level (not published; assumptions, docs/model.md",
                "section 4): a miss walks from the deepest level cached (default: ${DEFAULT-VALUE}; 0,0,0 for none)."})
    String pscEntries;

    @Option(names = "--psc-invalidation", defaultValue = "range", paramLabel = "range|domain",
            description = {"What a page-selective invalidation (IH=0) drops from the paging-structure caches: the",
                "entries that translate its range, as the VT-d specification requires, or every entry of",
                "the domain, as hardware may (default: ${DEFAULT-VALUE})."})
    String pscInvalidation;

    @Option(names = "--dma-page-size", defaultValue = "4k", paramLabel = "4k|2m",
            description = {"Page size of the I/O mappings of DMA buffers: 2m maps them in 2 MiB pages, one IOTLB",
                "entry per 512 frames (the IOTLB-wall mitigation; default: ${DEFAULT-VALUE})."})
    String dmaPageSize;

    @Option(names = "--device", paramLabel = "ID=GBPS[,inflight=N][,latency=NS]",
            description = {"A device's link for the throughput model of devices.csv, repeatable, e.g.",
                "--device 0x0100=10,inflight=64 (default: the synthesizer's NIC 0x0100 at 1 Gb/s and disk",
                "0x00fa at 6 Gb/s, 32 DMAs in flight, 1000 ns round trip; docs/model.md section 4)."})
    List<String> deviceLinks = new ArrayList<>();

    @Option(names = "--costs", paramLabel = "PROFILE", defaultValue = CostProfile.DEFAULT_NAME,
            description = {"CPU cost profile: a built-in name (paper-i5-3470, the paper's machine, two costs fitted",
                "to its Figure 6; defaults, every documented default) or a profile file",
                "(schemas/cost-profile.schema.json, e.g. written by iosup calibrate). Default: ${DEFAULT-VALUE}."})
    String costProfile;

    @Option(names = "--cost", paramLabel = "NAME=VALUE",
            description = {"Override one cost of the profile, repeatable, e.g. --cost hypercall_ns=1500;",
                "every name, default and source: docs/model.md section 7."})
    List<String> costOverrides = new ArrayList<>();

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        List<PolicySpec> specs = new ArrayList<>();
        for (String p : policies.isEmpty() ? List.of("disabled", "pre-enabled", "dynamic@5m") : policies) {
            specs.add(PolicySpec.parse(p));
        }
        Set<String> names = new HashSet<>();
        for (PolicySpec p : specs) {
            if (!names.add(p.name())) {
                throw new UserException("two policies are named '" + p.name() + "'; give one a name=...");
            }
        }
        HypervisorProfile hv = HypervisorProfile.named(profile);
        Paging pg = paging == null ? null : Paging.parse(paging, "--paging");
        CostProfile costs = costs(costProfile, costOverrides);
        IommuConfig iommu = iommu(cachingMode, !noPageSelective, maxAddressMask,
                units == null ? costs.platform().iommuUnits() : units, iotlbEntries, iotlbWays,
                ioLevels, pscEntries, pscInvalidation, dmaPageSize);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new UserException("--threads must be at least 1, got " + n);
        }
        if (!Files.isRegularFile(trace)) {
            throw new UserException(trace + ": no such file");
        }
        List<DmaThroughput> links = links(deviceLinks);
        ReplayConfig config = new ReplayConfig(trace, specs, hv, pg, iommu, costs, n, strict, read.options());
        PrintWriter err = spec.commandLine().getErr();
        ReplayResult r;
        try (OutputFolder out = OutputFolder.open(outDir.path(), "replay")) {
            // The bar is finished (its line ended) before anything is printed.
            try (Progress progress = Progress.start("replay", ParquetTraceReader.rowCount(trace, read.options()), "events", quiet.on())) {
                r = Replay.run(config, progress);
            }
            ReplayReport.write(r, out, Hashes.sha256(trace), trace.toString(), links);
            out.commit();
        }
        {
            if (!quiet.on()) {
                for (String w : r.warnings()) {
                    err.println("iosup replay: warning: " + w);
                }
                reportAnomalies(r.anomalies(), err);
                PrintWriter o = spec.commandLine().getOut();
                o.print(ReplayReport.table(r));
                o.flush();
                err.printf(Locale.ROOT, "iosup replay: %,d events, %d minutes, %d policies, profile %s, paging %s (%s), "
                                + "%.2f s (%,.0f events/s) -> %s%n", r.events(), r.minutes(), specs.size(), hv.name(),
                        r.paging().label(), r.pagingSource(), r.wallNanos() / 1e9,
                        r.events() / Math.max(r.wallNanos() / 1e9, 1e-9), outDir.path());
                err.flush();
            }
        }
        return 0;
    }

    /** The synthesizer's devices, with the links --device gives (a device named twice is an error). */
    static List<DmaThroughput> links(List<String> given) {
        Map<Integer, DmaThroughput> byId = new LinkedHashMap<>();
        for (DmaThroughput d : ReplayReport.DEFAULT_DEVICES) {
            byId.put(d.device(), d);
        }
        Set<Integer> named = new HashSet<>();
        for (String g : given) {
            DmaThroughput d = DmaThroughput.parse(g);
            if (!named.add(d.device())) {
                throw new UserException("--device " + String.format(Locale.ROOT, "0x%04x", d.device()) + " is given twice");
            }
            byId.put(d.device(), d);
        }
        return List.copyOf(byId.values());
    }

    /** The IOMMU the options describe, each checked with a message naming it. */
    public static IommuConfig iommu(boolean cachingMode, boolean pageSelective, int maxAddressMask, int units, int entries,
                             int ways, int levels, String psc, String pscInvalidation, String dmaPageSize) {
        String[] parts = psc.split(",", -1);
        if (parts.length != 3) {
            throw new UserException("--psc-entries " + psc + ": give three counts, PDE,PDPE,PML4 (e.g. 16,4,1)");
        }
        int[] n = new int[3];
        for (int i = 0; i < 3; i++) {
            if (!parts[i].strip().matches("[0-9]{1,9}")) {
                throw new UserException("--psc-entries " + psc + ": '" + parts[i] + "' is not a whole number");
            }
            n[i] = Integer.parseInt(parts[i].strip());
        }
        boolean domainWide = switch (pscInvalidation) {
            case "range" -> false;
            case "domain" -> true;
            default -> throw new UserException("--psc-invalidation must be range or domain, got '" + pscInvalidation + "'");
        };
        boolean superpages = switch (dmaPageSize.toLowerCase(Locale.ROOT)) {
            case "4k" -> false;
            case "2m" -> true;
            default -> throw new UserException("--dma-page-size must be 4k or 2m, got '" + dmaPageSize + "'");
        };
        return new IommuConfig(cachingMode, pageSelective, maxAddressMask, units, entries, ways, levels, n[0], n[1], n[2],
                superpages, domainWide);
    }

    /** The profile named by --costs, with the --cost overrides (each named once, a whole number). */
    public static CostProfile costs(String profile, List<String> overrides) {
        Map<Cost, Long> given = new LinkedHashMap<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            String key = eq < 0 ? o : o.substring(0, eq).strip();
            Cost c = Cost.byKey(key);
            if (c == null) {
                throw new UserException("--cost " + o + ": unknown cost '" + key + "' (valid: "
                        + String.join(", ", CostModel.DEFAULT.asMap().keySet()) + ")");
            }
            if (eq < 0) {
                throw new UserException("--cost " + o + ": give NAME=VALUE, e.g. --cost " + key + "=" + c.defaultValue());
            }
            if (given.containsKey(c)) {
                throw new UserException("--cost " + key + " is given twice");
            }
            String v = o.substring(eq + 1).strip();
            if (!v.matches("[0-9]{1,12}")) {
                throw new UserException("--cost " + o + ": the value must be a whole number, 0..999999999999");
            }
            given.put(c, Long.parseLong(v));
        }
        return CostProfile.load(profile).withOverrides(given);
    }

    private static void reportAnomalies(Anomalies a, PrintWriter err) {
        if (a.total() == 0) {
            return;
        }
        err.printf(Locale.ROOT, "iosup replay: %,d events the model could not accept were skipped:%n", a.total());
        a.counts().forEach((k, v) -> {
            if (v > 0) {
                err.printf(Locale.ROOT, "  %-28s %,d  (%s)%n", k.column(), v, k.meaning());
            }
        });
        for (Anomalies.Example e : a.examples()) {
            err.printf(Locale.ROOT, "  row %d: %s%n", e.row(), e.message());
        }
    }
}
