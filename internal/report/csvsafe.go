package report

import (
	"encoding/csv"
	"io"
	"regexp"
)

// Formula-safe CSV. A spreadsheet that opens a CSV reads a cell beginning
// with "=", "+", "-" or "@" as a formula (and a leading tab or carriage
// return can hide one), so a title such as =HYPERLINK("http://…") in a
// plan would run in the reader's spreadsheet. Every CSV the application
// writes goes through CSVWriter, which applies the OWASP rule for CSV
// injection: a text cell that starts with one of "=", "+", "-", "@", tab or
// carriage return gets a single quote in front ('=HYPERLINK…), which the
// spreadsheet shows and never evaluates. A number written as a number (an
// optional minus, digits with the Italian thousands points or none, an
// optional decimal comma or point and digits, as internal/format and the
// writers write them) is not text and is left as it is, so that -3,5 stays
// a number for the spreadsheet.
//
// The CSV is for Excel as an Italian office opens it: UTF-8 with a byte
// order mark (without one Excel reads the text in the system's code page)
// and ";" between the cells (Excel's separator where the comma is the
// decimal mark; with "," it would put each row in one column).

// formulaStart are the first characters that make a spreadsheet read a cell
// as a formula.
var formulaStart = [256]bool{'=': true, '+': true, '-': true, '@': true, '\t': true, '\r': true}

// plainNumber is a number as the CSV writers format one: -1.234,5, -3,5,
// -3.5, -12.
var plainNumber = regexp.MustCompile(`^-?([0-9]+|[0-9]{1,3}(\.[0-9]{3})+)([.,][0-9]+)?$`)

// CSVComma is the separator of the cells, CSVBOM the bytes before the
// first row.
const (
	CSVComma = ';'
	CSVBOM   = "\ufeff"
)

// FormulaSafe is the cell s as it may be written into a CSV: s itself, or
// s with a leading single quote when it would start a formula.
func FormulaSafe(s string) string {
	if s == "" || !formulaStart[s[0]] || plainNumber.MatchString(s) {
		return s
	}
	return "'" + s
}

// CSVWriter is encoding/csv's writer with every cell made FormulaSafe,
// for Italian Excel: a BOM first, ";" between the cells.
type CSVWriter struct {
	w       *csv.Writer
	out     io.Writer
	started bool
	row     []string
}

// NewCSVWriter writes formula-safe CSV (RFC 4180 with ";", UTF-8 with a
// BOM) to w.
func NewCSVWriter(w io.Writer) *CSVWriter {
	cw := csv.NewWriter(w)
	cw.Comma = CSVComma
	return &CSVWriter{w: cw, out: w}
}

// Write writes one record, each cell made FormulaSafe; the first writes
// the BOM before it.
func (c *CSVWriter) Write(record []string) error {
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.out, CSVBOM); err != nil {
			return err
		}
	}
	c.row = c.row[:0]
	for _, s := range record {
		c.row = append(c.row, FormulaSafe(s))
	}
	return c.w.Write(c.row)
}

// Flush writes what is buffered; Error says whether a write or the flush
// failed.
func (c *CSVWriter) Flush() { c.w.Flush() }

// Error is the first error of a Write or Flush.
func (c *CSVWriter) Error() error { return c.w.Error() }
