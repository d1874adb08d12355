package paths

import "strconv"

// Piano is the Piano della Performance of a cycle, as one HTML document.
func Piano(year int) string { return Cycle(year) + "/piano" }

// PianoFile is the Piano in another format (pdf).
func PianoFile(year int, ext string) string { return Piano(year) + "." + ext }

// PianoFreeze freezes the adopted Piano's next version when its print
// failed (the director's).
func PianoFreeze(year int) string { return Piano(year) + "/congela" }

// PianoPDF is the name of a frozen version's PDF.
const PianoPDF = "piano.pdf"

// TransparencyPiano is the public PDF of version number of the adopted
// Piano of year, served byte for byte.
func TransparencyPiano(year, number int) string {
	return "/trasparenza/piano/" + strconv.Itoa(year) + "/versioni/" + strconv.Itoa(number) + "/" + PianoPDF
}
