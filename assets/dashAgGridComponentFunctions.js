// Cell renderers for dash-ag-grid. Values are rendered as React text (never as HTML), so hostile data stays inert.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

// "G1:o G2:x|C1:n" -> two rows of chips (grid chain, customer chain) coloured by status code
dagcomponentfuncs.ProgressStrip = function (props) {
  var parts = String(props.value || "|").split("|");
  var names = {ns: "未开始", n: "正常", w: "预警", x: "超时", o: "按时", l: "超时完成"};
  function row(text, label) {
    var chips = (text ? text.split(" ") : []).map(function (item) {
      var pair = item.split(":");
      return React.createElement("span", {className: "chip chip-" + pair[1], title: pair[0] + " " + (names[pair[1]] || ""), key: pair[0]}, pair[0]);
    });
    return React.createElement("div", {className: "strip-row", key: label},
      [React.createElement("span", {className: "strip-label", key: "label"}, label)].concat(chips));
  }
  return React.createElement("div", {className: "strip"}, [row(parts[0], "电网"), row(parts[1] || "", "客户")]);
};

// a case id as a link to its detail page (the id is URL-encoded and shown as text)
dagcomponentfuncs.CaseLink = function (props) {
  var href = "/progress/case/" + encodeURIComponent(String(props.value)) + (props.data && props.data.link_query ? props.data.link_query : "");
  return React.createElement("a", {href: href}, String(props.value));
};
