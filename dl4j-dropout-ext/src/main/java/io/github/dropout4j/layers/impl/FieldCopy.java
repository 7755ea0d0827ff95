package io.github.dropout4j.layers.impl;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Copies the instance fields a DL4J class and its superclasses declare from one object to another, for our
 * subclasses of DL4J's layers that must carry every setting (and at run time, every parameter view) of the
 * instance they replace.
 */
public final class FieldCopy {

    private FieldCopy() {}

    /**
     * Sets every non-static field declared by {@code type} and its superclasses on {@code to} to its value on
     * {@code from}; both must be instances of {@code type}.
     *
     * @return {@code to}
     * @throws IllegalArgumentException if {@code from} or {@code to} is not a {@code type}
     */
    public static <T> T copy(Class<?> type, Object from, T to) {
        if (!type.isInstance(from) || !type.isInstance(to)) {
            throw new IllegalArgumentException("cannot copy the fields of " + type.getName() + " from "
                    + (from == null ? "null" : from.getClass().getName()) + " to "
                    + (to == null ? "null" : to.getClass().getName()));
        }
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                try {
                    f.set(to, f.get(from));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy " + type.getSimpleName() + " field " + f, e);
                }
            }
        }
        return to;
    }
}
