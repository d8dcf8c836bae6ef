package mrz

import (
	"fmt"

	"secunion"
)

// FieldError says what is wrong with a machine-readable zone, or with a
// document that Build cannot write. Its chain holds a *secunion.Error with
// code Invalid, so secunion.CodeOf and secunion.MessageOf work on it and
// the HTTP edge answers 400.
type FieldError struct {
	// Line and Column locate the fault, counted from 1 among the non-blank
	// lines of the input; Column is 0 when the fault is a whole line, and
	// both are 0 when it is the whole input or a field given to Build.
	Line, Column int
	// Field is the JSON name of the Document field at fault ("documentNumber",
	// "birthDate", ...), "name" for the name field, "composite" for the
	// composite check digit, or "" for the shape of the input.
	Field string
	// Reason says what is wrong, in words a user can act on.
	Reason string
}

// Error returns "mrz: line L position C: reason", leaving out what is unknown.
func (e *FieldError) Error() string {
	switch {
	case e.Line == 0:
		return "mrz: " + e.Reason
	case e.Column == 0:
		return fmt.Sprintf("mrz: line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("mrz: line %d position %d: %s", e.Line, e.Column, e.Reason)
}

// Unwrap returns the kernel error behind e: code Invalid, with e's text as
// its safe message. Wrapping this way round keeps e's text said once.
func (e *FieldError) Unwrap() error {
	return &secunion.Error{Code: secunion.Invalid, Message: e.Error()}
}

// errorAt returns a *FieldError at a line and column.
func errorAt(line, column int, field, format string, args ...any) error {
	return &FieldError{Line: line, Column: column, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// buildError returns a *FieldError about a field given to Build.
func buildError(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
