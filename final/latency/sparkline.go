package latency

import "bytes"

// graphCols is LATENCY_GRAPH_COLS: the width of LATENCY GRAPH.
const graphCols = 80

// sparkline is Redis's sparkline.c sequence: values, each with a label
// printed vertically under its column.
type sparkline struct {
	values   []float64
	labels   []string
	min, max float64
	labelled int
}

func (s *sparkline) add(v float64, label string) {
	if len(s.values) == 0 {
		s.min, s.max = v, v
	} else if v < s.min {
		s.min = v
	} else if v > s.max {
		s.max = v
	}
	s.values = append(s.values, v)
	s.labels = append(s.labels, label)
	if label != "" {
		s.labelled++
	}
}

// fill are the characters of a filled sparkline, from low to high within
// one row; a column taller than the row is '|'.
const fill = "_o#"

// render draws the sequence in rows of height and columns of width, as
// Redis's sparklineRender with SPARKLINE_FILL: a block per columns values.
func (s *sparkline) render(b *bytes.Buffer, columns, rows int) {
	for j := 0; j < len(s.values); j += columns {
		if j != 0 {
			b.WriteByte('\n')
		}
		s.renderRange(b, rows, j, min(columns, len(s.values)-j))
	}
}

// renderRange is sparklineRenderRange: first the rows of the graph,
// then, after one blank line, the labels, one character per row.
func (s *sparkline) renderRange(b *bytes.Buffer, rows, offset, n int) {
	const labelMarginTop = 1
	relmax := s.max - s.min
	if relmax == 0 {
		relmax = 1
	}
	steps := len(fill) * rows
	chars := make([]byte, n)
	for row := 0; ; row++ {
		more := false
		for j := range chars {
			chars[j] = ' '
		}
		for j := 0; j < n; j++ {
			v := s.values[j+offset]
			step := int(float64(int((v-s.min)*float64(steps))) / relmax)
			step = min(max(step, 0), steps-1)
			if row < rows {
				more = true
				idx := step - (rows-row-1)*len(fill)
				if idx >= 0 && idx < len(fill) {
					chars[j] = fill[idx]
				} else if idx >= len(fill) {
					chars[j] = '|'
				}
				continue
			}
			if s.labelled > 0 && row-rows < labelMarginTop {
				more = true
				break
			}
			if label := s.labels[j+offset]; label != "" && len(label) > row-rows-labelMarginTop {
				more = true
				chars[j] = label[row-rows-labelMarginTop]
			}
		}
		if !more {
			return
		}
		b.Write(chars)
		b.WriteByte('\n')
	}
}
