package interchange_test

import (
	"slices"
	"strings"
	"testing"

	"traguardo/internal/fielderr"
	"traguardo/internal/plan"
)

// TestStrategicAreas_RoundTrip: the public values of the strategic areas
// are written in the plan's order, only the areas that have one, and read
// back as they were; a document without them has none, and writes none.
func TestStrategicAreas_RoundTrip(t *testing.T) {
	c := mustRead(t, toJSON(t, demoDoc(t)))
	if len(c.PublicValues) != 0 {
		t.Fatalf("the demo has public values: %+v", c.PublicValues)
	}
	if strings.Contains(string(encode(t, c)), "strategic_areas") {
		t.Error("a cycle without public values writes strategic_areas")
	}
	c.PublicValues = []plan.PublicValue{
		{Area: "Minori e famiglie", Value: "Famiglie sostenute."},
		{Area: "Governance, amministrazione e servizi generali.", Value: "Un ente \"trasparente\" & efficiente."},
	}
	out := encode(t, c)
	doc := parseDoc(t, out)
	areas, ok := doc["strategic_areas"].([]any)
	if !ok || len(areas) != 2 {
		t.Fatalf("strategic_areas = %v", doc["strategic_areas"])
	}
	// The plan's order: the governance area's objectives come first.
	if first := areas[0].(map[string]any); first["name"] != "Governance, amministrazione e servizi generali." ||
		first["public_value"] != "Un ente \"trasparente\" & efficiente." {
		t.Errorf("first area = %v", first)
	}
	back := mustRead(t, out)
	got := slices.Clone(back.PublicValues)
	slices.SortFunc(got, func(a, b plan.PublicValue) int { return strings.Compare(a.Area, b.Area) })
	want := slices.Clone(c.PublicValues)
	slices.SortFunc(want, func(a, b plan.PublicValue) int { return strings.Compare(a.Area, b.Area) })
	if !slices.Equal(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	if again := encode(t, back); string(again) != string(out) {
		t.Error("a document read and written again changed")
	}
}

// TestStrategicAreas_Errors: an area no objective names, an area listed
// twice, a missing name and an overlong value are refused with their JSON
// path; an empty value is none.
func TestStrategicAreas_Errors(t *testing.T) {
	d := demoDoc(t)
	set(t, d, "strategic_areas", []any{
		map[string]any{"name": "Minori e famiglie", "public_value": "ok"},
		map[string]any{"name": "Sport", "public_value": "x"},
		map[string]any{"name": " Minori e famiglie ", "public_value": "di nuovo"},
		map[string]any{"name": "", "public_value": "x"},
		map[string]any{"name": "DISABILI", "public_value": strings.Repeat("a", plan.MaxPublicValue+1)},
	})
	_, err := readDoc(t, d)
	checkErrors(t, err, fielderr.List{
		fe("strategic_areas[1].name", "nessun obiettivo indica l'area strategica «Sport»"),
		fe("strategic_areas[2].name", "area strategica già elencata: «Minori e famiglie»"),
		fe("strategic_areas[3].name", "nome dell'area strategica mancante"),
		fe("strategic_areas[4].public_value", "testo troppo lungo: al più 4.000 caratteri (ne ha 4.001)"),
	})

	d = demoDoc(t)
	set(t, d, "strategic_areas", []any{
		map[string]any{"name": "DISABILI", "public_value": "  "},
		map[string]any{"name": "ANZIANI", "public_value": " Autonomia. "},
	})
	c, err := readDoc(t, d)
	if err != nil {
		t.Fatal(err)
	}
	if want := []plan.PublicValue{{Area: "ANZIANI", Value: "Autonomia."}}; !slices.Equal(c.PublicValues, want) {
		t.Errorf("read %+v, want %+v", c.PublicValues, want)
	}

	d = demoDoc(t)
	set(t, d, "strategic_areas", []any{map[string]any{"name": "DISABILI", "value": "x"}})
	if _, err := readDoc(t, d); err == nil || !strings.Contains(err.Error(), "strategic_areas[0].value") {
		t.Errorf("an unknown member: %v", err)
	}
}
