// Package domain holds the rules of the performance cycle that every other
// part of Traguardo must apply in the same way: how the months of an activity
// read and when an activity is late, which indicator units exist, and how the
// achievement of indicators, objectives and centres is computed and banded.
//
// The package does no I/O and depends only on the standard library, so the
// web handlers, the report and the JSON interchange can all call it and are
// guaranteed to agree with each other and with docs/domain.md.
package domain
