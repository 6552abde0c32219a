package org.iosup.calibrate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LeastSquaresTest {
    @Test
    void findsTheMinimumOfRosenbrocksValley() {
        LeastSquares.Result r = LeastSquares.minimize(x -> new double[] {10 * (x[1] - x[0] * x[0]), 1 - x[0]},
                new double[] {-1.2, 1}, new double[] {-5, -5}, new double[] {5, 5});
        assertThat(r.converged()).isTrue();
        assertThat(r.x()[0]).isCloseTo(1, within(1e-6));
        assertThat(r.x()[1]).isCloseTo(1, within(1e-6));
    }

    @Test
    void stopsOnABoundWhenTheMinimumLiesBeyondIt() {
        LeastSquares.Result r = LeastSquares.minimize(x -> new double[] {x[0] - 10}, new double[] {1},
                new double[] {0}, new double[] {3});
        assertThat(r.converged()).isTrue();
        assertThat(r.x()[0]).isEqualTo(3);
    }

    @Test
    void residualsThatAreNotNumbersDoNotConverge() {
        LeastSquares.Result r = LeastSquares.minimize(x -> new double[] {Math.sqrt(-1 - x[0])}, new double[] {1},
                new double[] {0}, new double[] {3});
        assertThat(r.converged()).isFalse();
    }

    @Test
    void solvesASmallLinearSystem() {
        double[] x = LeastSquares.solve(new double[][] {{0, 2}, {3, 1}}, new double[] {4, 5});
        assertThat(x[0]).isCloseTo(1, within(1e-12));
        assertThat(x[1]).isCloseTo(2, within(1e-12));
    }
}
