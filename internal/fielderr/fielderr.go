// Package fielderr is the one shape of a problem with an input, wherever it
// was found: a field of a form, a path of a JSON document, a cell of a
// workbook. The rules of package plan report their problems by field; the
// JSON import moves them under the item's path, the workbook reader onto the
// item's cells, and the forms show them next to their fields.
package fielderr

import (
	"fmt"
	"strconv"
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
	// More is set on the last line of a list cut at MaxList: the number
	// of problems left out, which Message tells.
	More int
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

// MaxList is the most problems a list of an input shows: past it, one last
// line says how many more there are. An upload with millions of problems
// then costs no more than one with MaxList, to keep and to show.
const MaxList = 500

// Collector gathers the problems of an input: the first MaxList, and the
// count of the others, which it does not keep.
type Collector struct {
	list List
	more int
}

// Add records a problem.
func (c *Collector) Add(e Error) {
	if len(c.list) < MaxList {
		c.list = append(c.list, e)
		return
	}
	c.more++
}

// AddAll records every problem of l.
func (c *Collector) AddAll(l List) {
	for _, e := range l {
		c.Add(e)
	}
}

// Full reports whether no further problem will be kept, only counted: the
// caller may then skip the work of writing its message.
func (c *Collector) Full() bool { return len(c.list) >= MaxList }

// Skip counts a problem whose message was not written, as Full allows.
func (c *Collector) Skip() { c.more++ }

// Len is the number of problems recorded, kept or not.
func (c *Collector) Len() int { return len(c.list) + c.more }

// Kept are the problems kept, in the order they came, without the last
// line; sort them, then add it with List.
func (c *Collector) Kept() List { return c.list }

// List is the problems kept and, when others were left out, the line that
// counts them; nil when there is none.
func (c *Collector) List() List {
	return c.Ending(c.list)
}

// Ending is kept (the problems kept, sorted as the caller wants them) with
// the line that counts the problems left out, when there are any.
func (c *Collector) Ending(kept List) List {
	if c.more == 0 {
		return kept
	}
	return append(kept[:len(kept):len(kept)], More(c.more))
}

// More is the last line of a list of which n problems were left out.
func More(n int) Error {
	msg := fmt.Sprintf("e altri %s errori, non elencati", thousands(n))
	if n == 1 {
		msg = "e un altro errore, non elencato"
	}
	return Error{Message: msg, More: n}
}

// Total is the number of problems l tells of: those it lists, and those its
// last line says were left out.
func (l List) Total() int {
	if n := len(l); n > 0 && l[n-1].More > 0 {
		return n - 1 + l[n-1].More
	}
	return len(l)
}

// thousands writes n the Italian way: 3.494.586.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}
