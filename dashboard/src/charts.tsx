// Two small inline SVG charts (no chart library): vertical bars over days and horizontal bars for
// ranked lists. Each also offers its numbers as a table for screen readers and copying.
import { useEffect, useId, useRef, useState } from 'preact/hooks'
import { t } from './i18n'

/** The element's width in CSS pixels, kept current (charts are drawn 1:1 so text stays readable). */
function useWidth(fallback: number) {
  const ref = useRef<HTMLElement>(null)
  const [width, setWidth] = useState(fallback)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => setWidth(Math.max(240, Math.round(el.clientWidth)))
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  return [ref, width] as const
}

/** 1, 2 or 5 times a power of ten, at least `v`: axis maxima people read at a glance. */
export function niceCeil(v: number): number {
  if (v <= 0) return 0
  const p = 10 ** Math.floor(Math.log10(v))
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p
}

export interface Point {
  label: string
  value: number
  /** The value as shown to people (money, counts). */
  display: string
}

function DataTable({
  caption,
  points,
  labelHeader,
  valueHeader,
}: {
  caption: string
  points: Point[]
  labelHeader: string
  valueHeader: string
}) {
  return (
    <details class="chart-data">
      <summary>{t('chart.showNumbers')}</summary>
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
export function ColumnChart({
  title,
  points,
  formatAxis,
  labelHeader = t('chart.day'),
  valueHeader = t('chart.value'),
}: {
  title: string
  points: Point[]
  formatAxis: (v: number) => string
  labelHeader?: string
  valueHeader?: string
}) {
  const id = useId()
  // Drawn at the card's own width, so the text is 12 px on a laptop and on a phone alike.
  const [ref, W] = useWidth(1000)
  const H = W < 500 ? 200 : 260
  const bottom = 28
  const top = 10
  const highest = Math.max(0, ...points.map((p) => p.value))
  // An empty range has one gridline at zero, not "$0.00 / $0.01 / $0.01".
  const max = niceCeil(highest)
  // Room for the longest axis label (about 7 px a character at 12 px): "1 000,00 $" is wider than "$1,000".
  const longest = Math.max(...[0, 0.5, 1].map((f) => formatAxis(max * f).length))
  const left = Math.max(W < 500 ? 56 : 72, longest * 7 + 12)
  const plotW = W - left - 8
  const plotH = H - top - bottom
  const step = plotW / Math.max(1, points.length)
  const barW = Math.max(1, Math.min(36, step * 0.7))
  const y = (v: number) => top + plotH - (max > 0 ? v / max : 0) * plotH
  const every = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(plotW / 56))))
  const ticks = max > 0 ? [0, 0.5, 1] : [0]
  return (
    <figure class="chart" data-chart="columns" ref={ref}>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t`}>
        <title id={`${id}-t`}>{title}</title>
        {ticks.map((f) => (
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
export function BarList({
  title,
  points,
  labelHeader = t('chart.name'),
  valueHeader = t('chart.value'),
}: {
  title: string
  points: Point[]
  labelHeader?: string
  valueHeader?: string
}) {
  const id = useId()
  const row = 28
  const max = Math.max(1, ...points.map((p) => p.value))
  // Label column 0-38%, bars 39-75%, the value printed right after each bar.
  const barStart = 39
  const barSpan = 36
  return (
    <figure class="chart" data-chart="bars">
      {points.length === 0 ? (
        <p class="muted">{t('chart.empty')}</p>
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
