package org.iosup.fleet;

import org.iosup.io.Futures;
import org.iosup.io.OutputFolder;
import org.iosup.io.Temporaries;
import org.iosup.io.UserException;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A synthetic fleet: {@code hosts} hosts, each one day of one synthesized trace in the layout of
 * {@link FleetLayout}, so that the fleet commands can be tried without a cluster. Host {@code i}
 * (from 0) runs preset {@code presets[i % presets]} with seed {@code seed + i} and a NIC at its
 * preset's rate times {@link #NIC_FACTORS}{@code [(i / presets) % 4]}: deterministic, and the
 * same files whatever the thread count.
 */
public final class FleetMake {
    /** NIC rates across hosts, as multiples of the preset's (the paper's 88 Mb/s): a fleet's hosts are not alike. */
    static final double[] NIC_FACTORS = {1, 0.5, 2, 4};

    private FleetMake() {
    }

    /** One host of the fleet: its name, the trace's parameters, and where the trace goes. */
    public record Host(String name, SynthParams params, String relative) {
    }

    /** The hosts of a fleet of {@code hosts} hosts (the plan, before anything is written). */
    public static List<Host> plan(int hosts, double minutes, List<String> presets, long seed, LocalDate date) {
        if (hosts < 1 || hosts > 100_000) {
            throw new UserException("--hosts must be 1..100000, got " + hosts);
        }
        if (presets.isEmpty()) {
            throw new UserException("--preset: give at least one preset");
        }
        int width = Math.max(3, String.valueOf(hosts - 1).length());
        List<Host> out = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            String preset = presets.get(i % presets.size());
            SynthParams base = SynthParams.defaults(preset);
            double nic = base.nicGbps() * NIC_FACTORS[(i / presets.size()) % NIC_FACTORS.length];
            SynthParams p = base.with(minutes, seed + i, nic).validate();
            String name = String.format(Locale.ROOT, "host-%0" + width + "d", i);
            out.add(new Host(name, p, FleetLayout.relative(name, date, 0)));
        }
        return out;
    }

    /**
     * Writes the fleet into {@code out} (a fleet-make folder: its manifest lists every trace), on
     * {@code threads} threads; {@code done} is told each host as its trace is written.
     */
    public static long write(List<Host> hosts, Path dir, int threads, java.util.function.Consumer<Host> done) {
        List<Path> madeDirs = new ArrayList<>();
        boolean ok = false;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "iosup-fleet-make");
            t.setDaemon(true);
            return t;
        });
        try (OutputFolder out = OutputFolder.open(dir, "fleet-make")) {
            List<org.iosup.io.AtomicOutput> files = new ArrayList<>();
            for (Host h : hosts) {
                Path target = out.dir().resolve(h.relative());
                mkdirs(out.dir(), target.getParent(), madeDirs);
                files.add(out.file(h.relative()));
            }
            List<Future<Long>> rows = new ArrayList<>();
            for (int i = 0; i < hosts.size(); i++) {
                Host h = hosts.get(i);
                Path temp = files.get(i).temp();
                rows.add(pool.submit(() -> {
                    long n = SyntheticTrace.writeParquet(h.params(), temp);
                    synchronized (done) {
                        done.accept(h);
                    }
                    return n;
                }));
            }
            long events = 0;
            List<Object> listed = new ArrayList<>();
            for (int i = 0; i < hosts.size(); i++) {
                long n = Futures.await(rows.get(i));
                events += n;
                Host h = hosts.get(i);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("host", h.name());
                e.put("path", h.relative());
                e.put("preset", h.params().preset());
                e.put("seed", h.params().seed());
                e.put("minutes", h.params().minutes());
                e.put("nic_gbps", h.params().nicGbps());
                e.put("events", n);
                listed.add(e);
            }
            out.manifest(Map.of("hosts", listed, "results", Map.of("hosts", hosts.size(), "events", events)));
            out.commit();
            ok = true;
            return events;
        } finally {
            pool.shutdownNow();
            madeDirs.forEach(Temporaries::unregister);
            if (!ok) {
                // The host and date folders this run made, deepest first, once their temporaries are gone.
                for (int i = madeDirs.size() - 1; i >= 0; i--) {
                    try {
                        Files.deleteIfExists(madeDirs.get(i));
                    } catch (IOException e) {
                        // Not empty: something else is there; leave it.
                    }
                }
            }
        }
    }

    private static void mkdirs(Path root, Path dir, List<Path> made) {
        if (dir.equals(root) || Files.isDirectory(dir)) {
            return;
        }
        mkdirs(root, dir.getParent(), made);
        try {
            Temporaries.createDirectory(dir);
            made.add(dir);
        } catch (IOException e) {
            throw new UserException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
