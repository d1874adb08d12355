package store

// ConstraintMessages exposes constraintMessages to the tests of the schema.
var ConstraintMessages = constraintMessages

// ConflictFrom exposes conflictFrom.
var ConflictFrom = conflictFrom
