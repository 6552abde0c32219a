package org.iosup.report.chart;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.title.TextTitle;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A chart whose series all coincide says so under its title; one with a series apart does not. */
class CoincidingSeriesTest {
    private static long notes(JFreeChart chart) {
        return chart.getSubtitles().stream().filter(t -> t instanceof TextTitle).count();
    }

    @Test
    void coincidingLinesAreNamed() {
        double[] x = {0, 1, 2};
        List<Charts.Points> same = List.of(new Charts.Points("a", x, new double[] {1, 2, 3}, Color.RED, 0),
                new Charts.Points("b", x, new double[] {1, 2, 3}, Color.BLUE, 1));
        JFreeChart c = Charts.xy("t", "x", "y", same);
        Plots.noteWhenAllCoincide(c, same);
        assertThat(notes(c)).isEqualTo(1);
        List<Charts.Points> apart = List.of(same.get(0), new Charts.Points("b", x, new double[] {1, 2, 4}, Color.BLUE, 1));
        JFreeChart d = Charts.xy("t", "x", "y", apart);
        Plots.noteWhenAllCoincide(d, apart);
        assertThat(notes(d)).isZero();
    }
}
