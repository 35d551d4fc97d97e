package io.optiflow.lb.api.spi;

/** The type of a {@link ConfigAttribute}, with how its raw text is read. */
public enum ConfigType {
    /** A 32-bit integer, decimal. */
    INT,
    /** A 64-bit integer, decimal. */
    LONG,
    /** A decimal number. */
    DOUBLE,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** Any text. */
    STRING,
    /** A duration: a number and a unit, {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m} or {@code h} ({@code 250ms}, {@code 10s}). */
    DURATION,
    /** One of a fixed set of words, listed in the attribute. */
    ENUM
}
