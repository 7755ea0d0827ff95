/** Test support shared by the library's tests: gradient-check settings, labels, message assertions, statistics. */
package io.github.dropout4j.testsupport;
