// Package show displays figures, tables and progress in a GoNB notebook,
// and degrades gracefully when the same code runs outside the kernel.
//
// Inside the kernel (gonbui.IsNotebook, that is GONB_PIPE is set) every
// function sends a Jupyter display message:
//
//   - Plot, PlotSize, PlotWith and Grid send an image/png bundle with a
//     short text/plain description beside it and image/png metadata giving
//     the display size in CSS pixels (96 per inch), so that a figure
//     rendered at DefaultDPI is sharp on high-DPI screens yet shown at its
//     nominal size; Image sends an image/png at its own pixel size;
//   - Table.Show sends text/html with the aligned text as text/plain;
//   - Markdown sends text/markdown, HTML sends text/html;
//   - a Progress bar updates one output block in place (text/html with a
//     display id) a bounded number of times, however long the loop; the
//     downloads of package data (a data set loaded for the first time)
//     show one too, as importing show sets data.ProgressBar;
//   - Explore shows a slider (GoNB widgets) and a figure redrawn in place as
//     it moves (drawn on a goroutine of its own, kept by position, drawn
//     ahead), until a Done button, an idle timeout or an interrupt; the cell
//     holds up the notebook meanwhile, and says so under the slider. It
//     needs a browser, so in headless runs of a notebook ($NOETHER_HEADLESS
//     set; see Interactive) it only prints one line.
//
// Outside the kernel (a plain Go program, go test, a script):
//
//   - figures are written as numbered PNG files into the directory named by
//     the environment variable NOETHER_SHOW_DIR, if it is set; otherwise they
//     are dropped and the call returns nil;
//   - tables and Markdown are printed as text on standard output, HTML is
//     dropped;
//   - a Progress bar prints a few lines, not one per iteration;
//   - Explore prints one line saying the figure is interactive in Jupyter.
//
// The figure helpers (Lines, Scatter, Histogram, HeatMap, and HeatMapXY for
// a function sampled on a grid, with Overlay and Points to draw on it) build a
// *plot.Plot in one call so that a notebook can adjust it before showing it:
//
//	p, err := show.Lines(show.Axes{Title: "loss", LogY: true}, show.Series{Name: "GD", Y: losses})
//	if err != nil {
//		return err
//	}
//	p.Y.Label.Text = "L(θ)"
//	return show.Plot(p)
//
// They return an error naming the function and the problem for input that
// cannot be drawn (no data, only NaNs, mismatched lengths, non-positive
// values on a log axis) rather than drawing garbage. A panic of gonum/plot
// while drawing (for example a zero on a log axis set up by hand) is
// returned as an error by Plot and PNG too.
//
// Display functions never print errors themselves; a notebook cell decides
// what to do with them. Progress bars report none: they must not stop the
// loop they watch.
package show
