package spreadsheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// A workbook is a zip archive of parts, most of them XML. excelize unpacks
// every part when it opens a file and parses the workbook, the styles, the
// theme and the calculation chain right away, before any limit of this
// package applies; a file of a few hundred KB can unpack into a styles part
// of millions of elements, a text of a hundred MB or elements nested
// millions deep, each of which costs gigabytes once parsed. checkPackage
// looks at the archive first, part by part, with archive/zip and a streaming
// scan of the XML that stops at the first limit passed: what no parser is
// given is never built.

// Limits of the parts of a workbook, checked before anything parses them.
const (
	maxParts   = 1000     // entries of the archive
	maxPart    = 64 << 20 // unpacked bytes of one part (maxUnzipped bounds them all)
	maxRatio   = 200      // unpacked bytes for one packed byte, of a part of more than ratioFrom
	ratioFrom  = 1 << 20  // unpacked bytes from which maxRatio applies
	maxDepth   = 64       // nesting of the elements of an XML part
	maxToken   = 1 << 20  // bytes of one piece of XML: a text, a tag with its attributes, a comment
	maxNameLen = 80       // runes of a part's name in a message
)

// Elements of one XML part, by the kind of part. The styles of a workbook
// have at most 64,000 cell formats in Excel, a theme a few hundred elements;
// the calculation chain has one element per formula; sheets and shared
// strings hold the data, which the reader bounds again by rows and strings.
const (
	maxStyleElements = 250_000
	maxThemeElements = 20_000
	maxChainElements = 200_000
	maxBookElements  = 100_000
	maxDataElements  = 4_000_000
	maxOtherElements = 1_000_000
)

// maxElements is the bound of the elements of the part name.
func maxElements(name string) int {
	name = strings.ToLower(name)
	base := path.Base(name)
	switch {
	case base == "styles.xml":
		return maxStyleElements
	case strings.HasPrefix(base, "theme"):
		return maxThemeElements
	case base == "calcchain.xml":
		return maxChainElements
	case base == "workbook.xml":
		return maxBookElements
	case base == "sharedstrings.xml", strings.Contains(name, "worksheets/"):
		return maxDataElements
	}
	return maxOtherElements
}

// errPackage is why a workbook is refused before it is parsed: a reason in
// Italian, to follow "il file non è una cartella di lavoro Excel leggibile: ".
type errPackage struct{ reason string }

func (e *errPackage) Error() string { return e.reason }

// refusal is the message of a workbook refused by checkPackage.
func refusal(err *errPackage) string {
	return "il file non è una cartella di lavoro Excel leggibile: " + err.reason +
		"; salvarlo di nuovo in formato .xlsx e riprovare"
}

func refuse(format string, args ...any) error {
	return &errPackage{fmt.Sprintf(format, args...)}
}

// partName is the name of a part as a message shows it: valid UTF-8 without
// control characters, at most maxNameLen runes.
func partName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	if utf8.RuneCountInString(name) > maxNameLen {
		name = string([]rune(name)[:maxNameLen]) + "…"
	}
	return "«" + name + "»"
}

// checkPackage checks a workbook's archive part by part: the number of
// parts, the unpacked size of each and of all, how much each is packed,
// and in every part that parses as XML the number of elements, their
// nesting and the size of each piece. It returns an *errPackage for a
// workbook over a limit, another error for one that is not a zip archive,
// nil otherwise. A part that is not well-formed XML is scanned up to its
// first error: a parser stops there too.
func checkPackage(raw []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return err
	}
	if len(zr.File) > maxParts {
		return refuse("contiene più di %d parti", maxParts)
	}
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		if size > maxPart {
			return refuse("la parte %s supera %d MB una volta estratta", partName(f.Name), maxPart>>20)
		}
		if total += size; total > maxUnzipped {
			return refuse("le sue parti superano %d MB una volta estratte", maxUnzipped>>20)
		}
		if size > ratioFrom && size > f.CompressedSize64*maxRatio {
			return refuse("la parte %s è compressa oltre %d volte, come un file costruito per esaurire la memoria", partName(f.Name), maxRatio)
		}
	}
	for _, f := range zr.File {
		if f.UncompressedSize64 == 0 {
			continue
		}
		if err := scanPart(f); err != nil {
			return err
		}
	}
	return nil
}

// budget reads at most limit bytes in all; exceeded tells that a read
// stopped there.
type budget struct {
	r        io.Reader
	n, limit int64
	exceeded bool
}

var errBudget = errors.New("piece of XML too large")

func (b *budget) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		b.exceeded = true
		return 0, errBudget
	}
	if rest := b.limit - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// scanPart reads a part as XML, the way excelize and this package do (with
// the same charset conversion), counting the elements and their depth and
// allowing each token at most maxToken bytes more of the part: it stops at
// the first limit passed, or at the first error of the XML, where a parser
// stops too.
func scanPart(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return nil // unreadable: nothing can parse it either
	}
	defer rc.Close()
	br := &budget{r: rc}
	d := xml.NewDecoder(br)
	d.CharsetReader = charset.NewReaderLabel
	limit := maxElements(f.Name)
	depth, elements := 0, 0
	for {
		br.limit = br.n + maxToken
		tok, err := d.RawToken()
		if br.exceeded {
			return refuse("la parte %s contiene un testo o un'etichetta di oltre %d MB", partName(f.Name), maxToken>>20)
		}
		if err != nil {
			return nil
		}
		switch tok.(type) {
		case xml.StartElement:
			if elements++; elements > limit {
				return refuse("la parte %s contiene più di %d elementi", partName(f.Name), limit)
			}
			if depth++; depth > maxDepth {
				return refuse("la parte %s ha elementi annidati oltre %d livelli", partName(f.Name), maxDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}
