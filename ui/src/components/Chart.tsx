// Charts from Chart.js, drawn into a canvas and rebuilt when data changes.
import { useEffect, useRef } from "react";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

type Series = { label: string; data: (number | null)[]; color: string; dashed?: boolean };

function ChartFigure(props: { kind: "bar" | "line"; labels: string[]; series: Series[]; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: props.kind,
      data: {
        labels: props.labels,
        datasets: props.series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderColor: s.color, borderDash: s.dashed ? [6, 4] : [], spanGaps: true })),
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } },
    });
    return () => chart.destroy();
  }, [props.kind, props.labels, props.series]);
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div style={{ height: 240 }}>
        <canvas ref={canvas} role="img" aria-label={props.title} />
      </div>
    </figure>
  );
}

export function BarChart(props: { labels: string[]; series: Series[]; title: string }) {
  return <ChartFigure kind="bar" {...props} />;
}

/** Lines over months (uptime against target). */
export function LineChart(props: { labels: string[]; series: Series[]; title: string }) {
  return <ChartFigure kind="line" {...props} />;
}
