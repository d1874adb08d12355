package report

import (
	"reflect"
	"testing"
)

// TestRichBlocks: sanitised rich text becomes paragraphs and lists, bold,
// italics, underline and line breaks kept, the white space as HTML shows
// it (one space, none at a paragraph's ends), text outside a paragraph a
// paragraph of its own, a list nested in an item within that item.
func TestRichBlocks(t *testing.T) {
	in := "<p> Un  <strong>obiettivo</strong>\n<em>annuale</em><br> seconda <u>riga</u> </p>" +
		"<ul><li>uno</li><li>due<ol><li>a</li></ol></li></ul> testo <b>libero</b>"
	want := []block{
		para(run{text: "Un "}, run{text: "obiettivo", bold: true}, run{text: " "}, run{text: "annuale", italic: true}, run{br: true},
			run{text: "seconda "}, run{text: "riga", underline: true}),
		{list: &itemList{items: [][]block{
			{para(run{text: "uno"})},
			{para(run{text: "due"}), {list: &itemList{ordered: true, items: [][]block{{para(run{text: "a"})}}}}},
		}}},
		para(run{text: "testo "}, run{text: "libero", bold: true}),
	}
	if got := richBlocks(in); !reflect.DeepEqual(got, want) {
		t.Errorf("richBlocks(%q) =\n%+v\nwant\n%+v", in, got, want)
	}
	if got := richBlocks(""); got != nil {
		t.Errorf("richBlocks(\"\") = %+v, want none", got)
	}
}

// TestCollapse: white space runs become one space, at the ends too (the
// run's neighbours decide whether it shows).
func TestCollapse(t *testing.T) {
	for in, want := range map[string]string{"a": "a", " (dati al 31/12)": " (dati al 31/12)", "a\n\tb  c ": "a b c ", "": ""} {
		if got := collapse(in); got != want {
			t.Errorf("collapse(%q) = %q, want %q", in, got, want)
		}
	}
}
