package org.iosup.report.chart;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.title.TextTitle;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A chart names each series that repeats an earlier one under its title; one with series apart does not. */
class CoincidingSeriesTest {
    private static List<String> notes(JFreeChart chart) {
        return chart.getSubtitles().stream().filter(t -> t instanceof TextTitle).map(t -> ((TextTitle) t).getText())
                .toList();
    }

    @Test
    void coincidingLinesAreNamed() {
        double[] x = {0, 1, 2};
        List<Charts.Points> same = List.of(new Charts.Points("a", x, new double[] {1, 2, 3}, Color.RED, 0),
                new Charts.Points("b", x, new double[] {1, 2, 3}, Color.BLUE, 1));
        assertThat(notes(Charts.xy("t", "x", "y", same))).containsExactly("a is identical to b (drawn under it)");
        List<Charts.Points> apart = List.of(same.get(0), new Charts.Points("b", x, new double[] {1, 2, 4}, Color.BLUE, 1));
        assertThat(notes(Charts.xy("t", "x", "y", apart))).isEmpty();
        JFreeChart steps = Charts.lines("t", "minute", "calls", List.of(new Charts.Line("off", new double[] {5, 5}, Color.RED, 0),
                new Charts.Line("on", new double[] {1, 0}, Color.BLUE, 1), new Charts.Line("dyn", new double[] {5, 5}, Color.GREEN, 2)));
        assertThat(notes(steps)).containsExactly("off is identical to dyn (drawn under it)");
    }
}
