package plan_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/richtext"
)

// TestClone_SharesNothing: a clone of the demo cycle, evaluated, equals it
// and shares no pointer and no slice with it but the activities' months
// (a domain.Month is never changed in place) (the store hands clones of the
// cycles it keeps to requests, which evaluate them at their period); and
// evaluating the clone at another period leaves the original as it was.
func TestClone_SharesNothing(t *testing.T) {
	c, err := interchange.Read(bytes.NewReader(demo.Cycle2023()), richtext.NewPolicy())
	if err != nil {
		t.Fatal(err)
	}
	c.Evaluate(domain.Today(time.Now()))
	cl := c.Clone()
	if !reflect.DeepEqual(c, cl) {
		t.Fatal("the clone differs from the cycle")
	}
	var walk func(path string, a, b reflect.Value)
	walk = func(path string, a, b reflect.Value) {
		switch a.Kind() {
		case reflect.Pointer:
			if a.IsNil() || a.Type() == reflect.TypeFor[*domain.Month]() {
				return
			}
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: the same pointer", path)
			}
			walk(path, a.Elem(), b.Elem())
		case reflect.Slice:
			if a.Len() == 0 {
				return
			}
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: the same slice", path)
			}
			for i := range a.Len() {
				walk(path+"[]", a.Index(i), b.Index(i))
			}
		case reflect.Struct:
			if a.Type() == reflect.TypeFor[time.Time]() {
				return
			}
			for i := range a.NumField() {
				walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		case reflect.Map, reflect.Chan, reflect.Func, reflect.Interface:
			if !a.IsNil() {
				t.Errorf("%s: a %s the clone does not copy", path, a.Kind())
			}
		}
	}
	walk("Cycle", reflect.ValueOf(c), reflect.ValueOf(cl))

	before := c.Clone()
	cl.EvaluateAt(c.Periods[0].EndsOn, c.Periods[0].EndsOn)
	cl.Centres[0].Objectives[0].Indicators[0].Values = nil
	cl.Centres[0].Objectives[0].Title = "changed"
	if !reflect.DeepEqual(c, before) {
		t.Error("changing the clone changed the cycle")
	}
}

// BenchmarkClone copies the demo cycle, as every request reading a cycle does.
func BenchmarkClone(b *testing.B) {
	c, err := interchange.Read(bytes.NewReader(demo.Cycle2023()), richtext.NewPolicy())
	if err != nil {
		b.Fatal(err)
	}
	c.Evaluate(domain.Today(time.Now()))
	for b.Loop() {
		c.Clone()
	}
}
