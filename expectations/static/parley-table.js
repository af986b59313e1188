/*
 * The part of bootstrap-table that Great Expectations' Data Docs use, written for Parley.
 *
 * GX renders its lists (validations, suites) as `$(table).bootstrapTable({columns, data, ...})` and
 * loads bootstrap-table from unpkg; no registry package ships that library, and without it the index
 * is empty offline. This plugin takes the same options and renders the same table: search box,
 * per-column filters (select, text, date), sortable headers, pagination, clickable rows (the
 * `click-row.bs.table` event GX listens for) and the `clearFilterControl` / `resetSearch` methods.
 */
(function ($) {
  "use strict";

  var PAGE_SIZE = 25;

  function named(fn) {
    return typeof fn === "function" ? fn : typeof fn === "string" && typeof window[fn] === "function" ? window[fn] : null;
  }

  function textOf(html) {
    return $("<div>").html(html == null ? "" : String(html)).text().trim();
  }

  function Table(el, options) {
    this.$el = $(el);
    this.options = options;
    this.columns = options.columns || [];
    this.rows = (options.data || []).map(function (row, index) { return { row: row, index: index }; });
    this.search = "";
    this.filters = {};
    this.sortName = options.sortName || null;
    this.sortOrder = options.sortOrder === "desc" ? -1 : 1;
    this.page = 0;
    this.render();
  }

  Table.prototype.filterValue = function (column, entry) {
    var collector = named(column.filterDataCollector);
    var value = entry.row[column.field];
    return collector ? String(collector(value, entry.row, value)) : textOf(value);
  };

  Table.prototype.visible = function () {
    var self = this;
    var needle = this.search.toLowerCase();
    var shown = this.rows.filter(function (entry) {
      if (needle) {
        var hay = self.columns.map(function (c) { return textOf(entry.row[c.field]); }).join(" ").toLowerCase();
        if (hay.indexOf(needle) < 0) return false;
      }
      return self.columns.every(function (column) {
        var wanted = self.filters[column.field];
        if (!wanted) return true;
        var custom = named(column.filterCustomSearch);
        if (custom) return custom(wanted, entry.row[column.sortName || column.field] || entry.row[column.field], column.field, self.rows);
        var have = self.filterValue(column, entry);
        return column.filterControl === "select" ? have === wanted : have.toLowerCase().indexOf(wanted.toLowerCase()) >= 0;
      });
    });
    if (this.sortName) {
      var key = this.sortName;
      var column = this.columns.filter(function (c) { return c.field === key || c.sortName === key; })[0];
      var field = column && column.sortName ? column.sortName : key;
      var order = this.sortOrder;
      shown.sort(function (a, b) {
        var x = textOf(a.row[field]), y = textOf(b.row[field]);
        return x < y ? -order : x > y ? order : a.index - b.index;
      });
    }
    return shown;
  };

  Table.prototype.render = function () {
    var self = this;
    var $table = this.$el.empty().addClass("table table-sm table-hover parley-table");
    var $head = $("<thead>").appendTo($table);
    var $titles = $("<tr>").appendTo($head);
    var hasFilters = this.options.filterControl === "true" || this.options.filterControl === true;
    var $filters = hasFilters ? $("<tr class='parley-table-filters'>").appendTo($head) : null;
    this.columns.forEach(function (column) {
      var $th = $("<th>").html(column.title || "").css("text-align", column.align || "left").appendTo($titles);
      if (column.sortable === "true" || column.sortable === true) {
        $th.addClass("parley-sortable").attr("data-field", column.field).on("click", function () {
          var key = column.sortName || column.field;
          self.sortOrder = self.sortName === key ? -self.sortOrder : 1;
          self.sortName = key;
          self.page = 0;
          self.draw();
        });
      }
      if ($filters) $filters.append($("<th>").append(self.filterControl(column)));
    });
    this.$body = $("<tbody>").appendTo($table);
    var $toolbar = $(this.options.toolbar || []);
    if (this.options.search === "true" || this.options.search === true) {
      this.$search = $("<input type='search' class='form-control form-control-sm parley-table-search' placeholder='Search'>")
        .on("input", function () { self.search = this.value; self.page = 0; self.draw(); });
      ($toolbar.length ? $toolbar : $("<div>").insertBefore($table)).append(this.$search);
    }
    this.$pager = $("<nav class='parley-table-pager'>").insertAfter($table);
    this.draw();
  };

  Table.prototype.filterControl = function (column) {
    var self = this;
    var kind = column.filterControl;
    if (!kind) return null;
    var $control;
    if (kind === "select") {
      var values = {};
      this.rows.forEach(function (entry) { values[self.filterValue(column, entry)] = true; });
      $control = $("<select class='form-control form-control-sm'>").append($("<option value=''>").text(""));
      Object.keys(values).sort().forEach(function (v) { $control.append($("<option>").attr("value", v).text(v)); });
    } else {
      $control = $("<input class='form-control form-control-sm'>").attr("type", kind === "datepicker" ? "date" : "text");
    }
    return $control.addClass("parley-table-filter").attr("data-field", column.field).on("input change", function () {
      self.filters[column.field] = this.value;
      self.page = 0;
      self.draw();
    });
  };

  Table.prototype.draw = function () {
    var self = this;
    var shown = this.visible();
    var paged = this.options.pagination === "true" || this.options.pagination === true;
    var pages = paged ? Math.max(1, Math.ceil(shown.length / PAGE_SIZE)) : 1;
    this.page = Math.min(this.page, pages - 1);
    var slice = paged ? shown.slice(this.page * PAGE_SIZE, (this.page + 1) * PAGE_SIZE) : shown;
    var rowStyle = named(this.options.rowStyle);
    var rowAttributes = named(this.options.rowAttributes);
    this.$body.empty();
    slice.forEach(function (entry) {
      var $tr = $("<tr>").appendTo(self.$body);
      if (rowStyle) $tr.css((rowStyle(entry.row, entry.index) || {}).css || {});
      if (rowAttributes) $tr.attr(rowAttributes(entry.row, entry.index) || {});
      self.columns.forEach(function (column) {
        $("<td>").html(entry.row[column.field] == null ? "" : entry.row[column.field])
          .css("text-align", column.align || "left").appendTo($tr);
      });
      $tr.on("click", function () { self.$el.trigger("click-row.bs.table", [entry.row, $tr]); });
    });
    if (!slice.length) {
      this.$body.append($("<tr>").append($("<td class='text-center text-muted'>").attr("colspan", this.columns.length).text("No matching records found")));
    }
    this.$pager.empty();
    if (paged && pages > 1) {
      $("<span class='mr-2 text-muted'>").text(shown.length + " rows, page " + (this.page + 1) + " of " + pages).appendTo(this.$pager);
      [["« Previous", -1], ["Next »", 1]].forEach(function (step) {
        $("<button type='button' class='btn btn-sm btn-outline-secondary mr-1'>").text(step[0])
          .prop("disabled", self.page + step[1] < 0 || self.page + step[1] >= pages)
          .on("click", function () { self.page += step[1]; self.draw(); }).appendTo(self.$pager);
      });
    }
  };

  Table.prototype.clearFilterControl = function () {
    this.filters = {};
    this.$el.find(".parley-table-filter").val("");
    this.draw();
  };

  Table.prototype.resetSearch = function () {
    this.search = "";
    if (this.$search) this.$search.val("");
    this.draw();
  };

  $.fn.bootstrapTable = function (option) {
    var args = Array.prototype.slice.call(arguments, 1);
    return this.each(function () {
      var table = $(this).data("parley.table");
      if (typeof option === "string") {
        if (table && typeof table[option] === "function") table[option].apply(table, args);
        return;
      }
      $(this).data("parley.table", new Table(this, $.extend({}, option || {})));
    });
  };
})(jQuery);
