/**
 * Files in: formats, encodings, coordinate systems, row problems, column mapping and the import
 * report (server/formats/*, server/geo/projection.ts, server/services/file-import.ts, routes/transfer.ts,
 * routes/addresses.ts).
 */
export const importMessages = {
  // Whole files (server/formats/*).
  empty_file: { zh: '文件为空', en: 'The file is empty' },
  'unsupported_format.shapefile_part': {
    zh: '请把 shapefile 打成一个 .zip 上传（含 .shp、.shx、.dbf、.prj 和 .cpg），不要只传 .{extension}',
    en: 'Send the shapefile as one .zip holding its .shp, .shx, .dbf, .prj (and .cpg), not the .{extension} alone',
  },
  'unsupported_format.extension': {
    zh: '不读取 .{extension} 文件；请上传压缩的 shapefile（.zip）、GeoJSON（.geojson）或 CSV（.csv）',
    en: '.{extension} files are not read; send a zipped shapefile (.zip), GeoJSON (.geojson) or CSV (.csv)',
  },
  zip_too_large: { zh: '压缩包内的 shapefile 解压后超过 {limit} 字节', en: "The zip's shapefile members inflate to more than {limit} bytes" },
  invalid_zip: { zh: '文件不是可读的 zip 压缩包：{detail}', en: 'The file is not a readable zip: {detail}' },
  missing_shp: {
    zh: '压缩包里没有 .shp（只有：{found}）；请把 .shp、.shx、.dbf、.prj 和 .cpg 一起压缩',
    en: 'The zip holds no .shp (found: {found}); zip the .shp, .shx, .dbf, .prj and .cpg together',
  },
  'missing_shp.nothing': { zh: '空', en: 'nothing' },
  several_shapefiles: { zh: '压缩包里有 {count} 个 shapefile（{names}），每次只能导入一个', en: 'The zip holds {count} shapefiles ({names}); send one per import' },
  missing_dbf: { zh: '{name}.shp 旁边没有 .dbf：属性（名称、户数等）缺失', en: '{name}.shp has no .dbf beside it: its attributes (name, households…) are missing' },
  'note.missing_shx': { zh: '缺少 {name}.shx，已单独读取 .shp', en: '{name}.shx is missing; the .shp was read on its own' },
  'invalid_encoding.unknown': { zh: '未知编码 {got}（可用 utf-8、gbk、gb18030、big5 等）', en: 'Unknown encoding {got} (use utf-8, gbk, gb18030, big5…)' },
  'note.unknown_cpg': { zh: '.cpg 中的代码页 {cpg} 无法识别，.dbf 的编码是推测的', en: 'The .cpg names an unknown code page {cpg}; the .dbf was decoded by guessing' },
  'invalid_shapefile.record_count': {
    zh: '{name}.shp 有 {shapes} 条记录，而 .dbf 有 {records} 条：两者不是同一图层',
    en: '{name}.shp has {shapes} records but its .dbf has {records}: they do not belong together',
  },
  'note.deleted_records': { zh: '跳过了 .dbf 中标记为删除的 {count} 条记录', en: '{count} record(s) marked deleted in the .dbf were skipped' },
  'invalid_shapefile.short': { zh: '.shp 只有 {bytes} 字节，不足 100 字节的文件头', en: 'The .shp is {bytes} bytes, shorter than its 100-byte header' },
  'invalid_shapefile.header': {
    zh: '.shp 的开头不是 shapefile 文件头（文件代码 9994、版本 1000）',
    en: 'The .shp does not start with a shapefile header (file code 9994, version 1000)',
  },
  'invalid_shapefile.shape_type': { zh: '.shp 中的几何类型为 {type}（{name}），gridgov 不读取', en: 'The .shp holds shapes of type {type} ({name}), which gridgov does not read' },
  'note.truncated_shp': {
    zh: '.shp 在第 {row} 条记录中途结束（第 {start} 字节起 {length} 字节的内容）；之前的记录已读取',
    en: 'The .shp ends inside record {row} (content of {length} bytes at byte {start}); the records before it were read',
  },
  'shape.record_short': { zh: '记录长 {bytes} 字节，其几何需要 {need} 字节', en: 'the record is {bytes} bytes, its shape needs {need}' },
  'shape.negative_count': { zh: '点数为负（{count}）', en: 'negative point count {count}' },
  'shape.parts': { zh: '{parts} 个部分、{points} 个点', en: '{parts} parts and {points} points' },
  'shape.part_offsets': { zh: '部分起点 {offsets} 与 {points} 个点不符', en: 'part offsets {offsets} do not fit {points} points' },
  'shape.polyline_empty': { zh: '折线没有一个含两个点的部分', en: 'a polyline without a part of two points' },
  'shape.type_not_read': { zh: '不读取几何类型 {type}（{name}）', en: 'shape type {type} ({name}) is not read' },
  'shape.no_ring': { zh: '第 {row} 条记录没有一个至少含 3 个不同点的环', en: 'record {row} has no ring of at least 3 distinct points' },
  'invalid_geometry.record': { zh: '第 {row} 条记录：{detail}', en: 'record {row}: {detail}' },
  'invalid_dbf.short': { zh: '.dbf 只有 {bytes} 字节，不足 32 字节的文件头', en: 'The .dbf is {bytes} bytes, shorter than its 32-byte header' },
  'invalid_dbf.header_length': { zh: '.dbf 文件头长度 {length} 与文件（{bytes} 字节）不符', en: 'The .dbf header length {length} does not fit the file ({bytes} bytes)' },
  'invalid_dbf.record_length': { zh: '.dbf 记录长 {length} 字节，但字段需要 {width} 字节', en: 'The .dbf records are {length} bytes but its fields need {width}' },
  'invalid_dbf.truncated': { zh: '.dbf 声明有 {count} 条记录，实际只有 {available} 条：文件不完整', en: 'The .dbf says it has {count} records but holds only {available}: the file is truncated' },
  'invalid_csv.unreadable': { zh: 'CSV 无法读取：{detail}', en: 'The CSV cannot be read: {detail}' },
  'invalid_csv.empty': { zh: 'CSV 为空；应有表头行，含 wkt 列或 lon、lat 列', en: 'The CSV is empty; expected a header row naming a wkt column or lon,lat columns' },
  missing_geometry_column: {
    zh: 'CSV 表头（{header}）中没有几何：请提供 WKT 列“wkt”（或 geometry、几何），或坐标列 lon、lat（或 x、y，经度、纬度）',
    en: 'The CSV header ({header}) has no geometry: name a WKT column "wkt" (or geometry, 几何) or coordinate columns lon,lat (or x,y, 经度,纬度)',
  },
  'invalid_geometry.wkt': { zh: '第 {row} 行：{column} 列不是 WKT：{detail}', en: 'line {row}: the {column} column is not WKT: {detail}' },
  'invalid_coordinates.csv': { zh: '第 {row} 行：{columns} 须为数值，收到 {got}', en: 'line {row}: {columns} must be numbers, got {got}' },
  mixed_srid: { zh: 'WKT 列混用了多个 SRID（{srids}）；一个文件只能有一个坐标系', en: 'The WKT column mixes SRIDs {srids}; one file, one CRS' },
  'wkt.not_wkt': { zh: '不是 WKT：{got}', en: 'not WKT: {got}' },
  'wkt.pair_expected': { zh: '此处应为一对坐标', en: 'a coordinate pair was expected' },
  'wkt.bad_coordinates': { zh: '坐标有误：{got}', en: 'bad coordinates {got}' },
  'wkt.list_expected': { zh: '此处应为括号括起的列表', en: 'a parenthesised list was expected' },
  'wkt.type_not_read': {
    zh: '不读取几何类型 {type}（可读 POINT、LINESTRING、POLYGON 及其 MULTI 形式）',
    en: 'geometry type {type} is not read (POINT, LINESTRING, POLYGON and their MULTI forms are)',
  },
  'wkt.open_expected': { zh: '此处应为“(”', en: '"(" expected' },
  'wkt.trailing_text': { zh: '几何之后还有多余文字', en: 'text after the geometry' },
  'wkt.unbalanced_close': { zh: '多了一个“)”', en: 'unbalanced ")"' },
  'wkt.unbalanced_open': { zh: '少了一个“)”', en: 'unbalanced "("' },
  'invalid_json.file': { zh: '文件不是有效的 JSON：{detail}', en: 'The file is not valid JSON: {detail}' },
  'invalid_geojson.expected_collection': { zh: '应为 GeoJSON FeatureCollection', en: 'Expected a GeoJSON FeatureCollection' },
  'invalid_geojson.no_features': { zh: 'FeatureCollection 中没有 "features" 数组', en: 'The FeatureCollection has no "features" array' },
  'invalid_geojson.collection_type': { zh: '应为 GeoJSON FeatureCollection，收到类型 {got}', en: 'Expected a GeoJSON FeatureCollection, got type {got}' },
  'invalid_geojson.feature_row': { zh: '第 {row} 个要素不是 GeoJSON Feature', en: 'feature {row} is not a GeoJSON Feature' },
  'invalid_geojson.feature_properties': { zh: '第 {row} 个要素："properties" 须为对象', en: 'feature {row}: "properties" must be an object' },
  'invalid_geojson.feature_geometry': { zh: '第 {row} 个要素：几何类型 {got} 不是 GeoJSON 类型', en: 'feature {row}: geometry type {got} is not GeoJSON' },
  'invalid_coordinates.projected': { zh: '第 {row} 行：坐标在 {crs} 中不是有限数值', en: 'row {row}: coordinates are not finite numbers in {crs}' },

  // Columns (server/formats/fields.ts).
  'note.columns_same_property': {
    zh: '列 {columns} 都对应 {property}：每行取其中第一个有值的列',
    en: 'Columns {columns} are all {property}: each row takes the first of them that has a value',
  },

  // The upload (server/routes/transfer.ts).
  invalid_multipart: { zh: '无法读取 multipart 请求体：{detail}', en: 'The multipart body cannot be read: {detail}' },
  unexpected_file: { zh: '请把文件放在表单字段“{field}”中，而不是“{name}”', en: 'Send the file in the form field "{field}", not "{name}"' },
  'payload_too_large.file': { zh: '文件超过 {limit} 字节的上限', en: 'The file exceeds the limit of {limit} bytes' },
  too_many_files: { zh: '每次导入只能发送一个文件', en: 'Send one file per import' },
  'too_many_files.field': { zh: '只能发送一个文件，放在表单字段“{field}”中', en: 'Send one file, in the form field "{field}"' },
  import_rejected: {
    zh: '{rows} 行中有 {refused} 行被拒绝（第一处：第 {row} 行，{message}）；未写入任何内容。{hint}',
    en: '{refused} of {rows} rows refused (first: row {row}, {message}); nothing was written.{hint}',
  },
  'import_rejected.hint': { zh: '请修正这些行，或加上 skipInvalid=true 只导入正确的行。', en: ' Fix them, or send skipInvalid=true to import the good rows.' },
  'unsupported_media_type.import': {
    zh: '请以 multipart/form-data 发送文件（一个“file”部分和一个“kind”字段）',
    en: 'Send the file as multipart/form-data (a "file" part and a "kind" field)',
  },
  unknown_field: { zh: '未知的表单字段 {unknown}；可用：{known}', en: 'Unknown form field(s) {unknown}; known: {known}' },
  invalid_kind: { zh: 'kind 须为 {allowed} 之一，收到 {got}', en: 'kind must be one of {allowed}, got {got}' },
  missing_file: { zh: '没有文件：请放在 multipart 字段“file”中', en: 'No file: send it in the multipart field "file"' },
  'empty_file.rows': { zh: '文件中没有要素或数据行', en: 'The file has no features or rows' },
  'invalid_crs.geojson_export': {
    zh: 'GeoJSON 只用 WGS84 经纬度（RFC 7946）；要投影坐标系请导出 shapefile 或 csv',
    en: 'GeoJSON is WGS84 lon/lat (RFC 7946); export as shapefile or csv for a projected CRS',
  },
  'invalid_crs.export': {
    zh: '{name} 不能用于导出；请用 wgs84、cgcs2000 或 CGCS2000 高斯-克吕格投影带（EPSG:4491–4554）',
    en: '{name} is not an export CRS; use wgs84, cgcs2000 or a CGCS2000 Gauss-Kruger zone (EPSG:4491–4554)',
  },
  'invalid_parameter.export_format': { zh: 'format 须为 geojson、shapefile 或 csv，收到“{got}”', en: 'format must be geojson, shapefile or csv, got "{got}"' },

  // The import report and its refusals (server/services/file-import.ts).
  missing_geometry: { zh: '第 {row} 行没有几何', en: 'row {row} has no geometry' },
  'note.listed': { zh: '{list} 共 {count} 行：只列出前 {listed} 行', en: '{count} {list} rows: the first {listed} are listed' },
  'invalid_property.grid_code_import': {
    zh: '{field} 须为 15 位网格编码（新建网格时留空），收到 {got}',
    en: '{field} must be a 15-digit grid code (or empty to create a grid), got {got}',
  },
  'invalid_property.version': { zh: '{field} 须为不小于 1 的整数，收到 {got}', en: '{field} must be a whole number ≥ 1, got {got}' },
  'out_of_scope.village': { zh: '村（社区）{code} 不在本密钥的范围内', en: 'village {code} lies outside the area of this key' },
  'out_of_scope.region': { zh: '区划 {code} 不在本密钥的范围内', en: 'region {code} lies outside the area of this key' },
  'missing_region.grid': {
    zh: '不知道这个网格属于哪个村（社区）：请提供区划代码列（区划代码 / regionCode）或参数 region',
    en: 'no village for this grid: give a region column (区划代码 / regionCode) or the region parameter',
  },
  'duplicate_code.import_grid': { zh: '编码 {code} 也在第 {row} 行；一次导入中一个网格只能更新一次', en: 'code {code} is also on row {row}; a grid can be updated once per import' },
  'grid_retired.import': {
    zh: '网格 {code} 已于 {at} 注销；注销的编码不再使用（新建网格请把编码留空）',
    en: 'grid {code} was retired at {at}; retired codes are never reused (leave code empty to create a new grid)',
  },
  version_required: {
    zh: '网格 {code} 已存在（第 {version} 版）：要更新它，请在版本列给出版本号；要新建网格，请把编码留空',
    en: 'grid {code} exists (version {version}): give its version in a version column to update it, or leave code empty to create a new grid',
  },
  'stale_version.import': {
    zh: '网格 {code} 当前是第 {version} 版，不是第 {expected} 版：请重新导出后再改',
    en: 'grid {code} is at version {version}, not {expected}: export it again and redo the change',
  },
  'note.new_codes': {
    zh: '本库从未发放过的编码按新网格导入：各自另得新编码（fileCode 为文件中的编码）',
    en: 'Codes this database never issued were read as new grids: each got a code of its own (fileCode is the one in the file)',
  },
  'duplicate_code.import_region': { zh: '区划 {code} 也在第 {row} 行', en: 'region {code} is also on row {row}' },
  'region_refused.parent': { zh: '{message}（其上级 {parent} 已在前面被拒绝）', en: '{message} (its parent {parent} is refused above)' },
  'note.parents_inferred': {
    zh: '{count} 行没有上级代码：取文件或数据库中最近的上级代码',
    en: 'No parentCode column value on {count} row(s): the nearest ancestor code in the file or the database was taken',
  },
  'missing_region.buildings': {
    zh: '导入建筑会替换一个村（社区）的全部建筑：请给出 region=<该村（社区）的 12 位代码>',
    en: "A buildings import replaces one village's buildings: give region=<the village's 12-digit code>",
  },
  'building_outside_area.row': { zh: '建筑在村（社区）{regionCode} 之外（容差 1 米）', en: 'the building lies outside village {regionCode} (1 m tolerance)' },
  'wrong_geometry_type.address': { zh: '地址须为点，收到 {got}', en: 'an address is a Point, got {got}' },

  // How each column was read (the report's file.columns).
  'column.ignored': { zh: '不读取：gridgov 不用这一列', en: 'not read: gridgov does not use this column' },
  'column.kept': { zh: '作为建筑的附加属性保留', en: 'kept as a property of the building' },
  'column.text': { zh: '文字，原样读取', en: 'text, read as it is' },
  'column.number': { zh: '数字（文字里的数字也读，如“320”“３２０”“1,200”“320户”）', en: 'a number (numbers written as text too: "320", "３２０", "1,200", "320户")' },
  'column.code': { zh: '代码（数字列、带空格或“.0”的也读成数字串）', en: 'a code (numeric columns, stray spaces and ".0" read as its digits)' },
  'column.kind': {
    zh: '按网格类型词表：城镇/城市/社区网格 → 城镇，农村/村网格 → 农村，专属网格 → 专属，基础网格 → 按所属村（社区），学校、医院等 → 该类专属网格',
    en: 'by the grid kind table: 城镇/城市/社区网格 → urban, 农村/村网格 → rural, 专属网格 → special, 基础网格 → by the village, 学校, 医院… → a special grid of that type',
  },
  'column.specialType': {
    zh: '按专属类型词表：学校、医院、市场、公园、景区、工业园区、其他（及其同义词）',
    en: 'by the special type table: 学校 school, 医院 hospital, 市场 market, 公园 park, 景区 scenic, 工业园区 industrial, 其他 other (and their synonyms)',
  },
  'column.level': {
    zh: '按级别词表：省、市、区县、乡镇（街道）、村（社区），也读“一级”…“五级”；不认识的词按代码补零位数判断',
    en: 'by the level table: 省, 市, 区县, 乡镇/街道, 村/社区, also 一级…五级; a word not in it: the level the code\'s padding gives',
  },
  'column.fallback': { zh: '与“{first}”列同义：只在该列为空的行读取；{how}', en: 'same property as column "{first}": read only where that is empty; {how}' },
  'column.kind_from_village': {
    zh: '未给出类型：按所属村（社区）判断——社区、居委会 → 城镇网格，村、村委会 → 农村网格（名称不能判断时，按区划代码末三位：001–199 居委会，200–399 村委会）',
    en: 'no kind given: by the village — 社区/居委会 → urban, 村/村委会 → rural (where the name does not say: the code\'s last three digits, 001–199 residents\' committee, 200–399 village committee)',
  },
  'column.special_from_name': {
    zh: '专属网格未给出专属类型：按网格名称判断（如“…小学专属网格” → 学校），否则为“其他”',
    en: 'special grid without a special type: from the grid\'s name ("…小学专属网格" → school), else other',
  },
  'column.level_from_code': { zh: '未给出级别：按区划代码的补零位数判断', en: "no level given: the level the code's padding gives" },
  'column.region_from_parameter': { zh: '没有区划代码列：用参数 region 给出的村（社区）', en: 'no region column: the village of the region parameter' },
  'column.region_from_code': { zh: '没有区划代码列：取网格编码的前 12 位', en: "no region column: the first 12 digits of the grid's code" },
  'missing_kind': {
    zh: '无法判断网格类型：类型列为空，所属村（社区）{regionCode} 的名称和代码也看不出是社区还是村；请在类型列填写 城镇网格、农村网格或专属网格',
    en: 'the grid kind cannot be told: the kind column is empty and neither the name nor the code of village {regionCode} says whether it is a community or a village; write 城镇网格 (urban), 农村网格 (rural) or 专属网格 (special) in a kind column',
  },

  // Coordinate systems (server/geo/projection.ts, server/formats/read.ts).
  'invalid_crs.epsg': { zh: '不支持 EPSG:{code}；可用 {supported}', en: 'EPSG:{code} is not supported; use {supported}' },
  'invalid_crs.unknown': { zh: '未知坐标系 {got}；可用 {supported}', en: 'Unknown crs {got}; use {supported}' },
  'unsupported_crs.old_datum': {
    zh: '{what} 使用北京 1954 或西安 1980 基准；转换到 CGCS2000 需要文件中没有的地方转换参数（偏差可达数十米）。请先转换到 CGCS2000（例如用测绘部门提供的参数）',
    en: "{what} is on the Beijing 1954 or Xian 1980 datum; converting it to CGCS2000 needs local transformation parameters (tens of metres of offset) that the file does not carry. Convert it to CGCS2000 first (e.g. with the survey bureau's parameters)",
  },
  'crs.supported': {
    zh: 'wgs84（EPSG:4326）、cgcs2000（EPSG:4490）、gcj02、bd09、EPSG:3857，或 CGCS2000 高斯-克吕格投影带 EPSG:4491–4554（如 3 度带第 40 带为 EPSG:4528）',
    en: 'wgs84 (EPSG:4326), cgcs2000 (EPSG:4490), gcj02, bd09, EPSG:3857, or a CGCS2000 Gauss-Kruger zone EPSG:4491–4554 (e.g. EPSG:4528 for 3° zone 40)',
  },
  'wkt_prj.keyword': { zh: '应为关键字', en: 'a keyword expected' },
  'wkt_prj.open': { zh: '应为“[”', en: '"[" expected' },
  'wkt_prj.comma': { zh: '应为“,”', en: '"," expected' },
  'wkt_prj.unterminated': { zh: '字符串未结束', en: 'unterminated string' },
  'wkt_prj.value': { zh: '应为一个值', en: 'a value expected' },
  'wkt_prj.trailing': { zh: '结尾之后还有文字', en: 'text after the end' },
  'unknown_crs.malformed': { zh: '.prj 不是格式正确的 WKT（第 {pos} 个字符处{what}）', en: 'The .prj is not well-formed WKT ({what} at character {pos})' },
  'unknown_crs.projection': {
    zh: '.prj“{name}”使用的投影“{method}”gridgov 不能读取；可用 {supported}',
    en: 'The .prj "{name}" uses the projection "{method}", which gridgov does not read; use {supported}',
  },
  'unknown_crs.datum': {
    zh: '.prj“{name}”的基准未知（{datum}）；gridgov 读取 CGCS2000 和 WGS84',
    en: 'The .prj "{name}" is on an unknown datum ({datum}); gridgov reads CGCS2000 and WGS84',
  },
  'unknown_crs.no_datum': { zh: '未给出', en: 'none given' },
  'unknown_crs.no_meridian': { zh: '.prj“{name}”没有中央经线', en: 'The .prj "{name}" has no central meridian' },
  'unknown_crs.empty': { zh: '.prj 为空', en: 'The .prj is empty' },
  'unknown_crs.compound': { zh: '.prj 是复合坐标系，但没有平面部分', en: 'The .prj is a compound CRS without a horizontal part' },
  'unknown_crs.geographic_datum': {
    zh: '.prj 是地理坐标系“{name}”，其基准未知；gridgov 读取 CGCS2000 和 WGS84',
    en: 'The .prj is a geographic CRS "{name}" on an unknown datum; gridgov reads CGCS2000 and WGS84',
  },
  'unknown_crs.not_crs': { zh: '.prj 描述的是 {keyword}“{name}”，不是投影坐标系或地理坐标系', en: 'The .prj describes a {keyword} "{name}", not a projected or geographic CRS' },
  'crs.assumed_degrees': {
    zh: '没有 .prj 也没有给出 crs：坐标是经纬度，按 WGS84 读取（与 CGCS2000 相差不到 1 米）',
    en: 'No .prj and no crs: the coordinates are degrees, taken as WGS84 lon/lat (CGCS2000 is the same to < 1 m)',
  },
  'crs.assumed_zone': {
    zh: '没有 .prj 也没有给出 crs：横坐标（{sample}）带有带号 {zone}，按 {name}（EPSG:{epsg}）读取。如果数据实为西安 1980 或北京 1954 坐标，会有数十米偏差：请先转换到 CGCS2000',
    en: 'No .prj and no crs: the eastings ({sample}) carry the zone prefix {zone}, taken as {name} (EPSG:{epsg}). If the data are on Xian 1980 or Beijing 1954 instead, they are off by tens of metres: convert them to CGCS2000 first',
  },
  'crs.assumed_web_mercator': {
    zh: '没有 .prj 也没有给出 crs：坐标（{sample}）按 Web 墨卡托米制坐标（EPSG:3857）读取',
    en: 'No .prj and no crs: the coordinates ({sample}) read as Web Mercator metres (EPSG:3857)',
  },
  'crs_required.ambiguous': {
    zh: '坐标（{sample}）没有 .prj，且符合不止一种坐标系（{candidates}）；请给出 crs',
    en: 'The coordinates ({sample}) have no .prj and fit more than one CRS ({candidates}); send crs',
  },
  'crs_required.mixed_zones': {
    zh: '横坐标带有不同的带号（{zones}）；一个文件只能在一个投影带内（请给出 crs，或拆分文件）',
    en: 'The eastings carry different zone prefixes ({zones}); one file must be in one zone (send crs, or split the file)',
  },
  'crs_required.swapped': {
    zh: '坐标（{sample}）像是 X、Y 对调的高斯-克吕格坐标（测绘习惯把北坐标写作 X）：请把带带号的东坐标作为 x，或给出 crs 并对调两列',
    en: 'The coordinates ({sample}) look like Gauss-Kruger with x and y swapped (surveyors write X for the northing): give the easting (with its zone prefix) as x, or send crs with the columns swapped',
  },
  'crs_required.no_zone': {
    zh: '坐标（{sample}）像是不带带号的投影米制坐标，无法推断中央经线：请附上 .prj，或给出 crs（如 CGCS2000 3 度带中央经线 120°E 为 EPSG:4549）',
    en: 'The coordinates ({sample}) look like projected metres without a zone prefix, so the central meridian cannot be guessed: include the .prj, or send crs (e.g. EPSG:4549 for CGCS2000 3° GK CM 120°E)',
  },
  'crs_required.unknown': {
    zh: '坐标（{sample}）不是经纬度，也无法推断坐标系；请附上 .prj 或给出 crs',
    en: 'The coordinates ({sample}) are not lon/lat and their CRS cannot be guessed; include the .prj or send crs',
  },
  'crs.note_overridden': { zh: '文件声明的坐标系是 {file}；按给出的 crs（{given}）读取', en: 'The file says {file}; the crs given ({given}) was used instead' },
  'crs.note_unusable': { zh: '文件自带的坐标系无法使用（{reason}）；按给出的 crs 读取', en: "The file's own CRS could not be used ({reason}); the crs given was used" },

  // Address files (server/formats/address-rows.ts).
  'invalid_address.type': { zh: '地址须为文字，收到 {got}', en: 'address must be a string, got {got}' },
  'invalid_address.nothing': { zh: '空值', en: 'nothing' },
  empty_address: { zh: '地址为空', en: 'address is empty' },
  address_too_long: { zh: '地址有 {length} 个字符，最多 {max} 个', en: 'address has {length} characters; at most {max} are accepted' },
  'invalid_address.text': { zh: '地址{problem}', en: 'address {problem}' },
  invalid_feature: { zh: '不是 GeoJSON Feature', en: 'not a GeoJSON Feature' },
  'invalid_geometry.address_point': { zh: '几何须为点 [经度, 纬度]，收到 {got}', en: 'geometry must be a Point [lon, lat], got {got}' },
  'invalid_geojson.address_collection': {
    zh: '应为 GeoJSON FeatureCollection：点要素，地址在 properties.address 中',
    en: 'Expected a GeoJSON FeatureCollection of Points with properties.address',
  },
  'invalid_csv.address_empty': { zh: 'CSV 为空；应有表头行，如 address,lon,lat（或 地址,经度,纬度）', en: 'The CSV is empty; expected a header row such as address,lon,lat' },
  'invalid_csv.address_header': {
    zh: 'CSV 表头缺少 {missing}（现有：{found}）；应为 address,lon,lat（或 地址,经度,纬度）',
    en: 'The CSV header lacks {missing} (found: {found}); expected address,lon,lat',
  },
} as const;
