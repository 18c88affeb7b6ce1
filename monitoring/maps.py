"""The map of Minas Gerais drawn by the server: the 853 municipal perimeters shipped with the
inventory (inventory/data/municipios_mg.geojson) projected once per process onto an SVG plane and
simplified (Douglas-Peucker) so that the page stays light. No tiles, no internet, no library.

The projection is equirectangular with the longitude scaled by the cosine of the state's middle
latitude: at this size it is indistinguishable from the official maps and keeps the code short.
"""

import itertools
import json
import math
from dataclasses import dataclass
from functools import cache

from inventory.reference_data import DATA_DIR

WIDTH = 1000.0  # SVG user units; the height follows from the state's shape
MARGIN = 6.0
# Points closer than this (in SVG units) to the simplified outline are dropped: about a pixel on
# a wall screen, and about 90 kB of paths for the whole state instead of 1.8 MB of GeoJSON.
TOLERANCE = 1.2

Point = tuple[float, float]
# Regional hubs named on the map, so that a wall screen can be read at a glance.
LABELLED = (
    "Belo Horizonte",
    "Uberlândia",
    "Montes Claros",
    "Juiz de Fora",
    "Governador Valadares",
    "Uberaba",
    "Divinópolis",
    "Teófilo Otoni",
    "Varginha",
    "Ipatinga",
    "Patos de Minas",
    "Poços de Caldas",
)


@dataclass(frozen=True)
class MunicipalityShape:
    ibge_code: int
    name: str
    path: str  # SVG path data ("M x y L ... Z" per ring)
    center: Point  # the middle of its bounding box, for labels


@dataclass(frozen=True)
class StateMap:
    width: float
    height: float
    shapes: tuple[MunicipalityShape, ...]

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"

    @property
    def labels(self) -> list[MunicipalityShape]:
        return [shape for shape in self.shapes if shape.name in LABELLED]


def _polygons(geometry: dict) -> list[list[list[Point]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]  # MultiPolygon


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker on an open polyline (iterative: rings have thousands of points)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            if norm:
                d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            else:
                d = math.hypot(x - x1, y - y1)
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _ring_path(ring: list[Point]) -> str:
    # A closed ring is split at its farthest point so both halves keep their shape.
    start = ring[0]
    far = max(
        range(len(ring)), key=lambda i: (ring[i][0] - start[0]) ** 2 + (ring[i][1] - start[1]) ** 2
    )
    outline = simplify(ring[: far + 1], TOLERANCE)[:-1] + simplify(ring[far:], TOLERANCE)
    if len(outline) < 4:
        outline = ring  # a tiny ring keeps every point rather than vanish
    # Whole units, relative moves: half the bytes of absolute decimals, and under a pixel off.
    points = [(round(x), round(y)) for x, y in outline]
    (x0, y0), steps = points[0], []
    for (xa, ya), (xb, yb) in itertools.pairwise(points):
        if (xa, ya) != (xb, yb):
            steps.append(f"{xb - xa} {yb - ya}")
    return f"M{x0} {y0}l" + " ".join(steps) + "z"


@cache
def state_map() -> StateMap:
    """Every municipality's outline in SVG units, computed once per process."""
    with (DATA_DIR / "municipios_mg.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    rings = [
        ring
        for feature in features
        for polygon in _polygons(feature["geometry"])
        for ring in polygon
    ]
    lons = [lon for ring in rings for lon, _ in ring]
    lats = [lat for ring in rings for _, lat in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    x_scale = math.cos(math.radians((north + south) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * x_scale)
    height = (north - south) * scale + 2 * MARGIN

    def project(lon: float, lat: float) -> Point:
        return (MARGIN + (lon - west) * x_scale * scale, MARGIN + (north - lat) * scale)

    shapes = []
    for feature in features:
        projected = [
            [project(lon, lat) for lon, lat in ring]
            for polygon in _polygons(feature["geometry"])
            for ring in polygon
        ]
        xs = [x for ring in projected for x, _ in ring]
        ys = [y for ring in projected for _, y in ring]
        shapes.append(
            MunicipalityShape(
                ibge_code=int(feature["properties"]["ibge_code"]),
                name=feature["properties"]["name"],
                path="".join(_ring_path(ring) for ring in projected),
                center=((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2),
            )
        )
    return StateMap(width=WIDTH, height=height, shapes=tuple(shapes))
