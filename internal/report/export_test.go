package report

// SetPartObjectives sets the most objectives of a part of the PDF for a
// test, and returns the function that puts it back.
func SetPartObjectives(n int) func() {
	old := partObjectives
	partObjectives = n
	return func() { partObjectives = old }
}

// JoinPDF is joinPDF, for the tests.
var JoinPDF = joinPDF

// PDFParts is the number of parts m is printed in (0: at once).
func PDFParts(m *Model) int { return len(m.pdfParts(partObjectives)) }
