package org.iosup.sweep;

import org.iosup.io.Failures;
import org.iosup.io.Temporaries;
import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.DeviceCounters;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.DmaThroughput;
import org.iosup.replay.PolicyModel;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.report.Numbers;
import org.iosup.schema.TableSchema;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code iosup sweep-nic}: netperf's TCP_STREAM (with or without the busy setting's processes)
 * at several link rates, each synthesized for a few seconds and replayed under the policies with
 * each DMA page size; the NIC's figures over the whole trace go through the throughput model
 * ({@link DmaThroughput}): what a stream that fills the link would get at each rate.
 */
public final class NicSweep {
    public static final TableSchema SCHEMA = TableSchema.load("sweep-nic");

    /**
     * What to sweep.
     *
     * @param rates      link rates, Gb/s
     * @param seconds    trace length per rate
     * @param busyChurn  the busy setting's processes run beside netperf
     * @param seed       the synthesizer's seed
     * @param policies   the policies replayed
     * @param profile    hypervisor profile
     * @param iommu      the IOMMU; its DMA page size is replaced by each of {@code pageSizes}
     * @param pageSizes  "4k" and/or "2m"
     * @param costs      the cost profile (for the translation time)
     * @param nic        the NIC's DMAs in flight and round trip (its link is each rate in turn)
     */
    public record Options(List<Double> rates, double seconds, boolean busyChurn, long seed, List<PolicySpec> policies,
                          HypervisorProfile profile, IommuConfig iommu, List<String> pageSizes, CostProfile costs,
                          DmaThroughput nic) {
    }

    /** One row of throughput.csv. */
    public record Row(double linkGbps, String policy, String pageSize, long dmas, long bytes, long lookups, long misses,
                      long walkReads, double translationNsPerDma, double capacityGbps, double capacityWithoutGbps,
                      double lostPct) {
    }

    private NicSweep() {
    }

    /** Runs the sweep; {@code step} is told each step. Scratch traces live in a temporary folder, removed at the end. */
    public static List<Row> run(Options o, Consumer<String> step) {
        List<Row> rows = new ArrayList<>();
        Path scratch;
        try {
            scratch = Files.createTempDirectory("iosup-sweep-nic");
        } catch (IOException e) {
            throw new UserException("cannot create a scratch folder: " + Failures.reason(e), e);
        }
        Temporaries.register(scratch);
        try {
            for (double rate : o.rates()) {
                step.accept("synth netperf " + Numbers.plain(rate) + " Gb/s");
                Path trace = scratch.resolve("netperf.parquet");
                SyntheticTrace.writeParquet(SynthParams.defaults("netperf").with(o.seconds() / 60, o.seed(), rate)
                        .withBusyChurn(o.busyChurn()).validate(), trace);
                DmaThroughput nic = o.nic().withLink(rate);
                for (String size : o.pageSizes()) {
                    step.accept("replay " + Numbers.plain(rate) + " Gb/s, " + size + " pages");
                    ReplayResult r = Replay.run(new ReplayConfig(trace, o.policies(), o.profile(), null,
                            o.iommu().withSuperpageDma(size.equals("2m")), o.costs(), 1, false), null);
                    rows.addAll(rows(r, nic, size, o.costs(), o.seconds()));
                }
                Files.deleteIfExists(trace);
            }
        } catch (IOException e) {
            throw new UserException("cannot write a scratch trace in " + scratch + ": " + Failures.reason(e), e);
        } finally {
            Temporaries.deleteTree(scratch);
            Temporaries.unregister(scratch);
        }
        return rows;
    }

    /** The NIC's figures of each policy of a replay, over the whole trace of {@code seconds}. */
    static List<Row> rows(ReplayResult r, DmaThroughput nic, String pageSize, CostProfile costs, double seconds) {
        long[] common = totals(r.devices().devices().get(nic.device()));
        List<Row> out = new ArrayList<>();
        for (PolicyModel p : r.policies()) {
            long[] own = totals(p.devices().devices().get(nic.device()));
            long dmas = common[DeviceCounters.Col.DMAS.ordinal()];
            long misses = own[DeviceCounters.Col.MISSES.ordinal()];
            long reads = own[DeviceCounters.Col.WALK_READS.ordinal()];
            DmaThroughput.Minute m = nic.minute(dmas, common[DeviceCounters.Col.BYTES.ordinal()],
                    costs.costs().translationNs(misses, reads), seconds);
            out.add(new Row(nic.linkGbps(), p.spec().name(), pageSize, dmas, common[DeviceCounters.Col.BYTES.ordinal()],
                    common[DeviceCounters.Col.LOOKUPS.ordinal()], misses, reads, m.translationNsPerDma(), m.capacityGbps(),
                    m.capacityWithoutTranslationGbps(), m.capacityLostPct()));
        }
        return out;
    }

    private static long[] totals(org.iosup.analysis.MinuteSeries<DeviceCounters.Col> s) {
        long[] t = new long[DeviceCounters.Col.values().length];
        if (s != null) {
            for (DeviceCounters.Col c : DeviceCounters.Col.values()) {
                t[c.ordinal()] = s.total(c);
            }
        }
        return t;
    }
}
