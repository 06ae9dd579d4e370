// Two small inline SVG charts (no chart library): vertical bars over days and horizontal bars for
// ranked lists. Each also offers its numbers as a table for screen readers and copying.
import { useId } from 'preact/hooks'

export interface Point {
  label: string
  value: number
  /** The value as shown to people (money, counts). */
  display: string
}

function DataTable({ caption, points, labelHeader, valueHeader }: { caption: string; points: Point[]; labelHeader: string; valueHeader: string }) {
  return (
    <details class="chart-data">
      <summary>Show the numbers</summary>
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{labelHeader}</th>
            <th scope="col" class="num">
              {valueHeader}
            </th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.label}>
              <td>{p.label}</td>
              <td class="num">{p.display}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  )
}

/** Vertical bars, one per point (e.g. revenue per day), with a few y gridlines. */
export function ColumnChart({ title, points, formatAxis, labelHeader = 'Day', valueHeader = 'Value' }: {
  title: string
  points: Point[]
  formatAxis: (v: number) => string
  labelHeader?: string
  valueHeader?: string
}) {
  const id = useId()
  // About the pixel size of the card on a laptop screen, so the text is drawn near 1:1.
  const W = 1000
  const H = 260
  const left = 72
  const bottom = 28
  const top = 10
  const max = Math.max(1, ...points.map((p) => p.value))
  const plotW = W - left - 8
  const plotH = H - top - bottom
  const step = plotW / Math.max(1, points.length)
  const barW = Math.max(1, Math.min(36, step * 0.7))
  const y = (v: number) => top + plotH - (v / max) * plotH
  const every = Math.max(1, Math.ceil(points.length / 12))
  return (
    <figure class="chart" data-chart="columns">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t`} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-t`}>{title}</title>
        {[0, 0.5, 1].map((f) => (
          <g key={f} class="grid">
            <line x1={left} x2={W - 8} y1={y(max * f)} y2={y(max * f)} />
            <text x={left - 6} y={y(max * f) + 4} text-anchor="end">
              {formatAxis(max * f)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = left + i * step + (step - barW) / 2
          return (
            <g key={p.label}>
              <rect class="bar" x={x} y={y(p.value)} width={barW} height={Math.max(0, top + plotH - y(p.value))}>
                <title>
                  {p.label}: {p.display}
                </title>
              </rect>
              {i % every === 0 ? (
                <text class="axis" x={x + barW / 2} y={H - 8} text-anchor="middle">
                  {p.label.slice(5)}
                </text>
              ) : null}
            </g>
          )
        })}
      </svg>
      <figcaption>{title}</figcaption>
      <DataTable caption={title} points={points} labelHeader={labelHeader} valueHeader={valueHeader} />
    </figure>
  )
}

/**
 * Horizontal bars for a ranked list (top products, orders per status). Drawn in CSS pixels with
 * percentage x positions rather than a scaled viewBox, so the text keeps its size in narrow cards.
 */
export function BarList({ title, points, labelHeader = 'Name', valueHeader = 'Value' }: { title: string; points: Point[]; labelHeader?: string; valueHeader?: string }) {
  const id = useId()
  const row = 28
  const max = Math.max(1, ...points.map((p) => p.value))
  // Label column 0-38%, bars 39-75%, the value printed right after each bar.
  const barStart = 39
  const barSpan = 36
  return (
    <figure class="chart" data-chart="bars">
      {points.length === 0 ? (
        <p class="muted">Nothing in this range.</p>
      ) : (
        <svg width="100%" height={points.length * row} role="img" aria-labelledby={`${id}-t`}>
          <title id={`${id}-t`}>{title}</title>
          {points.map((p, i) => {
            const w = Math.max(0.5, (p.value / max) * barSpan)
            const y = i * row
            return (
              <g key={`${p.label}-${i}`}>
                <text class="axis" x={`${barStart - 1}%`} y={y + row / 2 + 4} text-anchor="end">
                  {p.label.length > 22 ? `${p.label.slice(0, 21)}…` : p.label}
                </text>
                <rect class="bar" x={`${barStart}%`} y={y + 5} height={row - 10} width={`${w}%`}>
                  <title>
                    {p.label}: {p.display}
                  </title>
                </rect>
                <text class="value" x={`${barStart + w}%`} dx={6} y={y + row / 2 + 4}>
                  {p.display}
                </text>
              </g>
            )
          })}
        </svg>
      )}
      <figcaption>{title}</figcaption>
      <DataTable caption={title} points={points} labelHeader={labelHeader} valueHeader={valueHeader} />
    </figure>
  )
}
