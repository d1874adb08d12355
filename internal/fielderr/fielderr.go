// Package fielderr is the one shape of a problem with an input, wherever it
// was found: a field of a form, a path of a JSON document, a cell of a
// workbook. The rules of package plan report their problems by field; the
// JSON import moves them under the item's path, the workbook reader onto the
// item's cells, and the forms show them next to their fields.
package fielderr

import (
	"fmt"
	"strings"
)

// Error is one problem with one place of an input. Field is a form field's
// name, or a JSON path such as centres[2].objectives[0].title; Sheet, Row
// and Column place a problem in a workbook, Row as the spreadsheet shows it
// (the header is row 1) and Column by its letter. All are zero for a
// problem of the input as a whole. Message is Italian.
type Error struct {
	Field   string
	Sheet   string
	Row     int
	Column  string
	Message string
}

// Field is a problem of the form field (or plan item field) name.
func Field(name, msg string) Error { return Error{Field: name, Message: msg} }

// Path is a problem at a JSON path, such as
// centres[0].objectives[1].indicators[2].expected.
func Path(path, msg string) Error { return Error{Field: path, Message: msg} }

// Cell is a problem of a workbook at sheet, row and column (row 0 and
// column "" for a whole sheet).
func Cell(sheet string, row int, column, msg string) Error {
	return Error{Sheet: sheet, Row: row, Column: column, Message: msg}
}

// Under is e at the JSON path of the item its field belongs to: the field
// "title" under "centres[0].objectives[1]" is
// "centres[0].objectives[1].title".
func (e Error) Under(path string) Error {
	switch {
	case path == "":
	case e.Field == "":
		e.Field = path
	default:
		e.Field = path + "." + e.Field
	}
	return e
}

// InCell is e at a cell of a workbook, in place of its field.
func (e Error) InCell(sheet string, row int, column string) Error {
	return Cell(sheet, row, column, e.Message)
}

// Error reads like "Indicatori, riga 5, colonna J: valore atteso mancante"
// for a workbook, "year: anno non valido" for a field or a path, or the
// message alone for a problem of the input as a whole.
func (e Error) Error() string {
	var where []string
	if e.Sheet != "" {
		where = append(where, e.Sheet)
	}
	if e.Row > 0 {
		where = append(where, fmt.Sprintf("riga %d", e.Row))
	}
	if e.Column != "" {
		where = append(where, "colonna "+e.Column)
	}
	if len(where) == 0 && e.Field != "" {
		where = append(where, e.Field)
	}
	if len(where) == 0 {
		return e.Message
	}
	return strings.Join(where, ", ") + ": " + e.Message
}

// List is every problem found in an input; as an error it is the whole
// list, one problem a line.
type List []Error

// Error lists the problems one per line.
func (l List) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
