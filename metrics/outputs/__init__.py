"""What people read: charts (plotly figures and server-side SVG), the
internal dashboard's cards and grids, the public gate and the static site,
the board pack and the trustee summary, and text from users made safe for
Markdown. Each output formats what metrics.read and metrics.methods give it."""
