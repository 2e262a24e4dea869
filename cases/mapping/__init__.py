"""Parcel boundaries and the park map (docs/map.md).

crs.py names the coordinate systems (CGCS2000 and its 3-degree Gauss-Krüger zones) and transforms
to EPSG:4490; reading.py reads GeoJSON, Shapefile zips and the 界址点坐标 TXT into shapes;
checks.py checks them with shapely (validity, area against the record, overlaps); importing.py
matches them to parcels and writes all or nothing, reporting as the ledger import does;
colours.py says how a parcel is coloured; drawing.py draws parcels as SVG; export.py writes the
GeoJSON and the Shapefile.
"""
