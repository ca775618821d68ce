package resp

// Value writes a reply read by ReplyReader or ParseValue back out in w's
// protocol: a map, set or push of a RESP3 reply becomes its RESP2 array
// when w.Proto is 2, the way the server that sent it would have replied
// to a RESP2 client. It serves replies kept as data (COMMAND DOCS).
// Attributes are dropped; doubles are written from their value.
func (w *Writer) Value(v Value) {
	switch v.Kind {
	case KindSimple:
		w.SimpleString(string(v.Str))
	case KindError:
		w.Error(string(v.Str))
	case KindInt:
		w.Int(v.Int)
	case KindBulk:
		if v.Null {
			w.Null()
			return
		}
		w.Bulk(v.Str)
	case KindNull:
		w.Null()
	case KindDouble:
		w.Double(v.Float)
	case KindBool:
		w.Bool(v.Bool)
	case KindBigNumber:
		w.BigNumber(string(v.Str))
	case KindVerbatim:
		w.Verbatim(v.Format, string(v.Str))
	case KindBlobError:
		w.BlobError(string(v.Str))
	case KindArray, KindSet, KindPush:
		if v.Null {
			w.NullArray()
			return
		}
		switch v.Kind {
		case KindSet:
			w.Set(len(v.Elems))
		case KindPush:
			w.Push(len(v.Elems))
		default:
			w.Array(len(v.Elems))
		}
		for _, e := range v.Elems {
			w.Value(e)
		}
	case KindMap:
		w.Map(len(v.Elems) / 2)
		for _, e := range v.Elems {
			w.Value(e)
		}
	}
}
