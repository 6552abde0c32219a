package org.iosup.demo;

import org.iosup.analysis.Compare;
import org.iosup.analysis.Replicates;
import org.iosup.report.chart.Charts;
import org.iosup.report.chart.PolicyColors;
import org.jfree.chart.JFreeChart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's chart of one setting and profile over its seeds: flush calls and pool pages per
 * minute, each group's mean drawn with the band of its 95% interval over the seeds.
 */
final class SeedCharts {
    private SeedCharts() {
    }

    static void write(Path file, String setting, String profile, List<Compare.Run> seeds, int switchMinute) {
        List<String> groups = List.copyOf(seeds.get(0).policies().keySet());
        PolicyColors colors = new PolicyColors(groups);
        String over = seeds.size() + (seeds.size() == 1 ? " seed" : " seeds, mean and 95% interval");
        JFreeChart calls = Charts.bands("Flush calls per minute (" + setting + ", " + profile + "; " + over + ")",
                "minute of trace time", "flush_iotlb_qi calls per minute", bands(seeds, groups, colors, "flush_calls"),
                Charts.LogY.AUTO);
        JFreeChart pool = Charts.bands("Pages in the pools (" + setting + ", " + profile + "; " + over + ")",
                "minute of trace time", "pages, all levels, end of minute", bands(seeds, groups, colors, "pool_pages"),
                Charts.LogY.AUTO);
        for (JFreeChart c : List.of(calls, pool)) {
            Charts.marker(c, switchMinute, "minute " + switchMinute + ": dynamic switch");
        }
        for (Charts.Format f : Demo.FIGURE_FORMATS) {
            String name = file.getFileName().toString().replaceFirst("\\.png$", "." + f.extension());
            Charts.write(file.resolveSibling(name), f, 1600, 900, calls, pool);
        }
    }

    private static List<Charts.Band> bands(List<Compare.Run> seeds, List<String> groups, PolicyColors colors,
                                           String metric) {
        int minutes = seeds.stream().mapToInt(Compare.Run::minutes).min().orElse(0);
        List<Charts.Band> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            double[] mean = new double[minutes];
            double[] half = new double[minutes];
            for (int m = 0; m < minutes; m++) {
                Double[] v = new Double[seeds.size()];
                for (int s = 0; s < seeds.size(); s++) {
                    v[s] = (double) seeds.get(s).policies().get(groups.get(g)).get(metric)[m];
                }
                Replicates r = Replicates.of(v);
                mean[m] = r.mean();
                half[m] = r.ci95() == null ? Double.NaN : r.ci95();
            }
            out.add(new Charts.Band(groups.get(g), mean, half, colors.of(groups.get(g)), colors.dash(groups.get(g))));
        }
        return out;
    }
}
