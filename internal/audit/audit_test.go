package audit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"
)

// constants reads this package's source: the value of every constant, by
// its type's name.
func constants(t *testing.T) map[string][]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "audit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			typ, ok := vs.Type.(*ast.Ident)
			if !ok || len(vs.Values) != 1 {
				t.Fatalf("constant %s: want a typed constant with a literal value", vs.Names[0])
			}
			v, err := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			out[typ.Name] = append(out[typ.Name], v)
		}
	}
	return out
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// TestLists: each list holds every constant of its type once, so that a test
// iterating over a list sees every code the store may write.
func TestLists(t *testing.T) {
	c := constants(t)
	for typ, list := range map[string][]string{
		"Action": strs(Actions()), "Entity": strs(Entities()), "Key": strs(Keys()), "Limit": strs(Limits()), "Refusal": strs(Refusals()),
	} {
		want := slices.Sorted(slices.Values(c[typ]))
		got := slices.Sorted(slices.Values(list))
		if len(want) == 0 {
			t.Errorf("no constant of type %s found: the reader is broken", typ)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s list %q, constants %q", typ, got, want)
		}
		if len(slices.Compact(got)) != len(list) {
			t.Errorf("%s: a value listed twice", typ)
		}
	}
}
