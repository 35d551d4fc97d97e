/**
 * Helpers shared by several built-in strategies, so that no strategy package depends on another: in-flight
 * bookkeeping ({@link io.optiflow.lb.algorithms.support.InFlightCounts}) and weight reduction
 * ({@link io.optiflow.lb.algorithms.support.Weights}). Depends on {@code java.*} and lb-api only. Not part of
 * the SPI: plug-in authors should not rely on it.
 */
package io.optiflow.lb.algorithms.support;
