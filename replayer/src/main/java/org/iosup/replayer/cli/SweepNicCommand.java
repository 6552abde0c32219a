package org.iosup.replayer.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.DmaThroughput;
import org.iosup.report.CsvTable;
import org.iosup.report.Numbers;
import org.iosup.report.chart.Charts;
import org.iosup.report.chart.PolicyColors;
import org.iosup.sweep.NicSweep;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup sweep-nic}: what translation costs a NIC that fills links from 1 to 200 Gb/s. */
@Command(name = "sweep-nic", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Replay netperf's TCP_STREAM at several link rates and write the NIC's throughput per policy.",
        sortOptions = false,
        description = {
            "For each link rate: synthesizes netperf's TCP_STREAM filling the link for --seconds (with the busy",
            "setting's processes if --busy-churn), replays it under the policies with each DMA page size, and",
            "puts the NIC's translations through the throughput model (docs/model.md section 4). Writes",
            "OUTDIR/throughput.csv (schemas/sweep-nic.schema.json) and OUTDIR/throughput.png (capacity against",
            "link rate, one line per policy and page size; .svg, .pdf with --format). Deterministic for a seed."
        })
public final class SweepNicCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Mixins.OutDir outDir;

    @Option(names = "--rates", defaultValue = "1,10,40,100,200", paramLabel = "GBPS,...",
            description = "Link rates, Gb/s (default: ${DEFAULT-VALUE}).")
    String rates;

    @Option(names = "--seconds", defaultValue = "2", paramLabel = "S",
            description = "Trace length per rate, seconds (default: ${DEFAULT-VALUE}; 200 Gb/s is 41 million events a second).")
    double seconds;

    @Option(names = "--busy-churn", description = "Run the busy setting's processes beside netperf (their page-table flushes).")
    boolean busyChurn;

    @Option(names = "--policy", paramLabel = "SPEC", description = "A policy, repeatable (default: disabled and pre-enabled).")
    List<String> policies = new ArrayList<>();

    @Option(names = "--profile", defaultValue = "xen-4.2.4", paramLabel = "NAME",
            description = "Hypervisor profile (default: ${DEFAULT-VALUE}, which issues the unmaps' invalidations).")
    String profile;

    @Option(names = "--dma-page-size", defaultValue = "4k,2m", paramLabel = "4k,2m",
            description = "DMA page sizes to replay with (default: ${DEFAULT-VALUE}).")
    String pageSizes;

    @Option(names = "--no-page-selective", description = "Every flush is domain-selective.")
    boolean noPageSelective;

    @Option(names = "--psc-invalidation", defaultValue = "range", paramLabel = "range|domain",
            description = "What a page-selective invalidation drops from the paging-structure caches (default: ${DEFAULT-VALUE}).")
    String pscInvalidation;

    @Option(names = "--iotlb-entries", defaultValue = "64", paramLabel = "N", description = "IOTLB entries (default: ${DEFAULT-VALUE}).")
    int iotlbEntries;

    @Option(names = "--inflight", defaultValue = "32", paramLabel = "N", description = "The NIC's DMAs in flight (default: ${DEFAULT-VALUE}).")
    int inflight;

    @Option(names = "--latency-ns", defaultValue = "1000", paramLabel = "NS",
            description = "The NIC's DMA round trip without translation (default: ${DEFAULT-VALUE}).")
    double latencyNs;

    @Option(names = "--costs", paramLabel = "PROFILE", defaultValue = org.iosup.model.CostProfile.DEFAULT_NAME,
            description = "Cost profile, as replay's --costs (default: ${DEFAULT-VALUE}).")
    String costs;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    Mixins.Quiet quiet;

    @Option(names = "--format", defaultValue = "png", paramLabel = "png,svg,pdf",
            description = "Formats of throughput's chart, comma-separated: png, svg, pdf (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        List<Double> linkRates = new ArrayList<>();
        for (String r : rates.split(",")) {
            try {
                double v = Double.parseDouble(r.strip());
                if (!(v > 0) || v > 10_000) {
                    throw new NumberFormatException();
                }
                linkRates.add(v);
            } catch (NumberFormatException e) {
                throw new UserException("--rates: '" + r.strip() + "' is not a link rate in Gb/s above 0 and at most 10000");
            }
        }
        if (new LinkedHashSet<>(linkRates).size() != linkRates.size()) {
            throw new UserException("--rates " + rates + ": a rate is given twice");
        }
        if (!(seconds > 0) || seconds > 3600) {
            throw new UserException("--seconds must be above 0 and at most 3600, got " + seconds);
        }
        List<String> sizes = new ArrayList<>();
        for (String s : pageSizes.split(",")) {
            String v = s.strip().toLowerCase(Locale.ROOT);
            if (!v.equals("4k") && !v.equals("2m")) {
                throw new UserException("--dma-page-size must list 4k and/or 2m, got '" + s.strip() + "'");
            }
            if (sizes.contains(v)) {
                throw new UserException("--dma-page-size " + pageSizes + ": " + v + " is given twice");
            }
            sizes.add(v);
        }
        List<PolicySpec> specs = new ArrayList<>();
        for (String p : policies.isEmpty() ? List.of("disabled", "pre-enabled") : policies) {
            specs.add(PolicySpec.parse(p));
        }
        java.util.Set<Charts.Format> formats = Charts.Format.parseList(format, "--format");
        org.iosup.model.CostProfile costProfile = org.iosup.model.CostProfile.load(costs);
        IommuConfig iommu = ReplayCommand.iommu(false, !noPageSelective, 9, costProfile.platform().iommuUnits(),
                iotlbEntries, 8, 4, "16,4,1", pscInvalidation, "4k");
        NicSweep.Options o = new NicSweep.Options(linkRates, seconds, busyChurn, seed, specs,
                HypervisorProfile.named(profile), iommu, sizes, costProfile,
                new DmaThroughput(DmaThroughput.SYNTH_NIC.device(), 1, inflight, latencyNs));
        PrintWriter err = spec.commandLine().getErr();
        List<NicSweep.Row> rows;
        try (OutputFolder out = OutputFolder.open(outDir.path(), "sweep-nic")) {
            rows = NicSweep.run(o, s -> {
                if (!quiet.on()) {
                    err.println("iosup sweep-nic: " + s);
                    err.flush();
                }
            });
            try (CsvTable t = CsvTable.create(NicSweep.SCHEMA, out.file("throughput.csv").temp())) {
                for (NicSweep.Row r : rows) {
                    t.row(Arrays.asList(r.linkGbps(), r.policy(), r.pageSize(), r.dmas(), r.bytes(), r.lookups(),
                            r.misses(), r.walkReads(), r.translationNsPerDma(), r.capacityGbps(), r.capacityWithoutGbps(),
                            r.lostPct()));
                }
            }
            JFreeChart chart = chart(rows, specs, sizes);
            Charts.writeEach(out, "throughput", formats, 1600, 900, chart);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("rates_gbps", linkRates);
            params.put("seconds", seconds);
            params.put("busy_churn", busyChurn);
            params.put("seed", seed);
            params.put("policies", specs.stream().map(PolicySpec::spec).toList());
            params.put("profile", profile);
            params.put("dma_page_sizes", sizes);
            params.put("page_selective", !noPageSelective);
            params.put("psc_invalidation", pscInvalidation);
            params.put("iotlb_entries", iotlbEntries);
            params.put("inflight", inflight);
            params.put("latency_ns", latencyNs);
            params.put("formats", formats.stream().map(Charts.Format::extension).toList());
            params.put("cost_profile", o.costs().describe());
            out.manifest(Map.of("parameters", params));
            out.commit();
        }
        if (!quiet.on()) {
            PrintWriter w = spec.commandLine().getOut();
            w.printf(Locale.ROOT, "%10s %-22s %-5s %14s %14s %10s%n", "link Gb/s", "policy", "pages", "capacity Gb/s",
                    "no-IOMMU Gb/s", "lost");
            for (NicSweep.Row r : rows) {
                w.printf(Locale.ROOT, "%10s %-22s %-5s %14.3f %14.3f %9.2f%%%n", Numbers.plain(r.linkGbps()), r.policy(), r.pageSize(), r.capacityGbps(), r.capacityWithoutGbps(), r.lostPct());
            }
            w.flush();
        }
        return 0;
    }

    /** Capacity against link rate: one line per policy and page size, the link itself dashed grey. */
    static JFreeChart chart(List<NicSweep.Row> rows, List<PolicySpec> specs, List<String> sizes) {
        PolicyColors colors = new PolicyColors(specs.stream().map(PolicySpec::name).toList());
        List<Charts.Points> series = new ArrayList<>();
        double[] link = rows.stream().mapToDouble(NicSweep.Row::linkGbps).distinct().toArray();
        series.add(new Charts.Points("the link", link, link, java.awt.Color.GRAY, 2));
        for (int k = 0; k < sizes.size(); k++) {
            String size = sizes.get(k);
            for (PolicySpec p : specs) {
                double[] x = rows.stream().filter(r -> r.policy().equals(p.name()) && r.pageSize().equals(size))
                        .mapToDouble(NicSweep.Row::linkGbps).toArray();
                double[] y = rows.stream().filter(r -> r.policy().equals(p.name()) && r.pageSize().equals(size))
                        .mapToDouble(NicSweep.Row::capacityGbps).toArray();
                series.add(new Charts.Points(p.name() + ", " + (size.equals("2m") ? "2 MiB" : "4 KiB") + " DMA pages",
                        x, y, colors.of(p.name()), k == 0 ? 0 : 1));
            }
        }
        return Charts.xy("netperf TCP_STREAM: what the NIC can move, by link rate"
                + " (modelled, docs/model.md §4)", "link rate (Gb/s)", "NIC capacity with translation (Gb/s)", series);
    }
}
