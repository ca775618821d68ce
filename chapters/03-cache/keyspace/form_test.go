package keyspace

import (
	"bytes"
	"fmt"
	"testing"
)

// TestStringForms: SetBytes makes a value FormStored, Append and
// SetRange make it FormRaw, SetForm changes only the form, and every
// form reads back the same bytes.
func TestStringForms(t *testing.T) {
	db := New()
	e := db.SetString([]byte("k"), []byte("12"), 1)
	if e.Form() != FormStored {
		t.Fatalf("after SetString: form %d", e.Form())
	}
	for _, f := range []StringForm{FormComputed, FormCopied, FormRaw, FormStored} {
		e.SetForm(f)
		if b, ok := e.Bytes(); !ok || string(b) != "12" || e.Form() != f {
			t.Fatalf("SetForm(%d): %q %v form %d", f, b, ok, e.Form())
		}
	}
	e.Append([]byte("3"))
	if b, _ := e.Bytes(); string(b) != "123" || e.Form() != FormRaw {
		t.Fatalf("after Append: %q form %d", b, e.Form())
	}
	e.SetBytes([]byte("456"))
	if e.Form() != FormStored {
		t.Fatalf("after SetBytes over a grown buffer: form %d", e.Form())
	}
	e.Append(nil)
	if e.Form() != FormRaw {
		t.Fatalf("Append of nothing to a string: form %d, want raw as Redis", e.Form())
	}
	l := db.Set([]byte("l"), &struct{}{}, 1)
	l.SetForm(FormRaw)
	if l.IsString() {
		t.Fatal("SetForm made a non-string value a string")
	}
}

// TestSetRange compares SetRange with the same edit on a plain slice,
// through the in-place and the reallocating paths, including padding
// over bytes a grown buffer held before.
func TestSetRange(t *testing.T) {
	db := New()
	e := db.SetString([]byte("k"), nil, 1)
	var model []byte
	edits := []struct {
		off int
		b   string
	}{{3, "abc"}, {0, "x"}, {10, "yz"}, {2, "LONGER THAN BEFORE"}, {1, ""}, {40, "q"}}
	for _, ed := range edits {
		if need := ed.off + len(ed.b); need > len(model) {
			model = append(model, make([]byte, need-len(model))...)
		}
		copy(model[ed.off:], ed.b)
		if n := e.SetRange(ed.off, []byte(ed.b)); n != len(model) {
			t.Fatalf("SetRange(%d, %q) = %d, want %d", ed.off, ed.b, n, len(model))
		}
		if b, _ := e.Bytes(); !bytes.Equal(b, model) || e.Form() != FormRaw {
			t.Fatalf("after SetRange(%d, %q): %q, want %q (form %d)", ed.off, ed.b, b, model, e.Form())
		}
	}
	// Shrink the value inside its grown buffer, then pad past the end:
	// the padding must be zeros, not the old bytes.
	e.SetBytes(bytes.Repeat([]byte("#"), 33))
	e.Append([]byte("#"))
	e.SetBytes([]byte("ab"))
	e.Append(nil)
	e.SetRange(5, []byte("c"))
	if b, _ := e.Bytes(); string(b) != "ab\x00\x00\x00c" {
		t.Fatalf("padding = %q", b)
	}
}

// TestSwap exchanges keys and leaves the index and observers in place.
func TestSwap(t *testing.T) {
	dbs, r := observed(2)
	a, b := dbs[0], dbs[1]
	e := a.SetString([]byte("x"), []byte("1"), 1)
	a.SetExpire(e, 10)
	b.SetString([]byte("y"), []byte("2"), 1)
	a.Swap(b)
	if a.Lookup([]byte("y"), 1) == nil || b.Lookup([]byte("x"), 1) == nil || a.Len() != 1 || b.Expires() != 1 {
		t.Fatal("keys did not move")
	}
	if b.Lookup([]byte("x"), 20) != nil {
		t.Fatal("x did not expire in b")
	}
	want := "[write 0:x <nil> write 1:y <nil> swap 0 1 write 1:x 1 expired 1:x]"
	if fmt.Sprint(r.log) != want {
		t.Fatalf("observers heard %q, want %s", r.log, want)
	}
}
