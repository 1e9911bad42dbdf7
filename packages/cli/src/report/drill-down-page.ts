import { exactBytes, humanBytes, humanCount } from '../format-units.js';
import { escapeControls } from '../output/terminal-text.js';
import { fitLabel, squarify, TREEMAP_LAYOUT, worst } from './treemap.js';

/**
 * The drill-down's place on the page: breadcrumbs, the directory's figures, the
 * treemap (drawn on the server for the root, so the page prints and reads without
 * script) and a table of the directory's subdirectories. The script fills the rest in.
 */
export function drillDownSection(rootTreemap: string): string {
  return (
    '<div id="explore">' +
    '<nav class="crumbs" aria-label="directory"></nav>' +
    '<p class="explore-figures muted"></p>' +
    rootTreemap +
    '<table class="sortable explore"><thead><tr><th>subdirectory</th><th class="num">size</th><th class="num">allocated</th><th class="num">files</th><th class="num">dirs</th><th class="num">share</th></tr></thead><tbody></tbody></table>' +
    '</div>'
  );
}

/**
 * Functions of this package the page's script takes by their source, so the page lays
 * out boxes, fits labels, shows sizes and escapes names exactly as the server side
 * does (one implementation of each). Each is self-contained: it names no module
 * constant, only its arguments, globals and the others listed here.
 */
const SHARED = [worst, squarify, fitLabel, humanBytes, humanCount, exactBytes, escapeControls];

/**
 * The drill-down's script: reads the page's own JSON (`drillDown`), and on a click of
 * a box, a table row or a breadcrumb shows that directory: its subdirectories as a
 * treemap (two levels, as the root's) and as a table, the rest (its files and the
 * subdirectories under 0.1%) as one more box and row. Names go in as text nodes,
 * never as markup; nothing is fetched (the page's Content-Security-Policy allows no
 * request).
 */
export const DRILL_DOWN_SCRIPT = `
(function(){
${SHARED.map((f) => f.toString()).join('\n')}
  var L=${JSON.stringify(TREEMAP_LAYOUT)};
  var box=document.getElementById('explore');
  if(!box)return;
  // Integers past 2^53 keep their exact digits as text (the reviver's source): JSON.parse would round them.
  var doc=JSON.parse(document.getElementById('pwalk-data').textContent,function(k,v,ctx){return typeof v==='number'&&!Number.isSafeInteger(v)&&ctx&&ctx.source?ctx.source:v;});
  var rows=doc.drillDown||[];
  if(rows.length===0)return;
  var kids=rows.map(function(){return [];});
  rows.forEach(function(r,i){if(r.parent!==null)kids[r.parent].push(i);});
  var SVG='http://www.w3.org/2000/svg';
  var crumbs=box.querySelector('.crumbs'),figures=box.querySelector('.explore-figures'),body=box.querySelector('table.explore tbody');
  var rootMap=box.querySelector('svg.treemap'),map=rootMap;
  function make(ns,tag,attrs,text){
    var e=ns?document.createElementNS(ns,tag):document.createElement(tag);
    for(var a in attrs)e.setAttribute(a,attrs[a]);
    if(text!==undefined)e.textContent=text;
    return e;
  }
  function big(v){return BigInt(v);}
  function name(i){return escapeControls(rows[i].name);}
  function path(i){var p=[];for(var j=i;j!==null;j=rows[j].parent)p.unshift(rows[j].name);return escapeControls(p.join('/').replace(/^\\/\\/+/,'/'));}
  // What of a directory is not in its rows' subdirectories: its own files and the smaller subdirectories.
  function rest(i){
    var bytes=big(rows[i].apparentBytes),files=big(rows[i].files);
    kids[i].forEach(function(k){bytes-=big(rows[k].apparentBytes);files-=big(rows[k].files);});
    return {bytes:bytes,files:files};
  }
  function tiles(ids,i,rect){
    var items=ids.filter(function(k){return Number(rows[k].apparentBytes)>0;}).map(function(k){return {dir:k,label:rows[k].name,value:Number(rows[k].apparentBytes),files:rows[k].files,bytes:rows[k].apparentBytes};});
    var r=rest(i);
    if(items.length>0&&r.bytes>0n)items.push({dir:null,label:'(rest)',value:Number(r.bytes),files:String(r.files),bytes:String(r.bytes)});
    var rects=squarify(items.map(function(t){return t.value;}),rect);
    return items.map(function(t,n){return {t:t,r:rects[n],n:n};});
  }
  function tile(svg,t,r,tone,inner){
    var g=make(SVG,'g',t.dir===null?{}:{'class':'drill','data-dir':String(t.dir)});
    g.appendChild(make(SVG,'title',{},escapeControls(t.label)+'\\n'+exactBytes(t.bytes)+'; '+humanCount(big(t.files))+' files'));
    g.appendChild(make(SVG,'rect',{'class':'tile '+(inner?'inner ':'')+tone,x:r.x.toFixed(1),y:r.y.toFixed(1),width:r.w.toFixed(1),height:r.h.toFixed(1)}));
    var text=fitLabel(r.w,r.h,escapeControls(t.label)+(inner?'':' '+humanBytes(t.bytes)));
    if(text!==null)g.appendChild(make(SVG,'text',{'class':inner?'tile-label small':'tile-label',x:(r.x+3).toFixed(1),y:(r.y+(inner?11:12)).toFixed(1)},text));
    svg.appendChild(g);
  }
  function draw(i){
    var svg=make(SVG,'svg',{'class':'chart treemap',viewBox:'0 0 '+L.width+' '+L.height,role:'img','aria-label':'subdirectories of '+path(i)+' by size'});
    tiles(kids[i],i,{x:0,y:0,w:L.width,h:L.height}).forEach(function(o){
      var tone='t'+(o.n%L.palette);
      tile(svg,o.t,o.r,tone,false);
      if(o.t.dir===null||o.r.w<=24||o.r.h<=L.header+12)return;
      var inside={x:o.r.x+2,y:o.r.y+L.header,w:o.r.w-4,h:o.r.h-L.header-2};
      tiles(kids[o.t.dir],o.t.dir,inside).forEach(function(p){tile(svg,p.t,p.r,tone,true);});
    });
    return svg;
  }
  function cell(text,exact,sort){
    var td=make(null,'td',sort===undefined?{}:{'class':'num','data-sort':String(sort)},text);
    if(exact!==undefined)td.title=exact;
    return td;
  }
  function row(label,dir,u,share){
    var tr=make(null,'tr',dir===null?{}:{'class':'drill','data-dir':String(dir)});
    tr.appendChild(cell(label));
    tr.appendChild(cell(humanBytes(u.apparentBytes),exactBytes(u.apparentBytes),u.apparentBytes));
    tr.appendChild(u.allocatedBytes===null||u.allocatedBytes===undefined?cell('-'):cell(humanBytes(u.allocatedBytes),exactBytes(u.allocatedBytes),u.allocatedBytes));
    tr.appendChild(cell(humanCount(big(u.files)),undefined,u.files));
    tr.appendChild(u.dirs===undefined?cell('-'):cell(humanCount(big(u.dirs)),undefined,u.dirs));
    tr.appendChild(cell(share,undefined,share.replace('%','')));
    body.appendChild(tr);
  }
  function share(part,whole){return big(whole)===0n?'0.0%':(Number(big(part)*1000n/big(whole))/10).toFixed(1)+'%';}
  function show(i){
    crumbs.textContent='';
    var chain=[];for(var j=i;j!==null;j=rows[j].parent)chain.unshift(j);
    chain.forEach(function(j,n){
      if(n>0)crumbs.appendChild(document.createTextNode(' / '));
      crumbs.appendChild(j===i?make(null,'span',{'class':'crumb current','data-dir':String(j)},name(j)):make(null,'a',{'class':'crumb','href':'#explore','data-dir':String(j)},name(j)));
    });
    var d=rows[i];
    figures.textContent=path(i)+': '+humanBytes(d.apparentBytes)+', '+humanCount(big(d.files))+' files, '+humanCount(big(d.dirs))+' dirs';
    figures.title=exactBytes(d.apparentBytes);
    figures.setAttribute('data-current',String(i));
    var next=i===0?rootMap:draw(i);
    map.replaceWith(next);map=next;
    body.textContent='';
    kids[i].forEach(function(k){row(name(k),k,rows[k],share(rows[k].apparentBytes,d.apparentBytes));});
    var r=rest(i);
    if(r.bytes>0n||r.files>0n)row('(files here and smaller subdirectories)',null,{apparentBytes:String(r.bytes),files:String(r.files)},share(r.bytes,d.apparentBytes));
  }
  box.addEventListener('click',function(ev){
    var t=ev.target.closest('[data-dir]');
    if(!t||!box.contains(t)||t.classList.contains('current'))return;
    ev.preventDefault();
    show(Number(t.getAttribute('data-dir')));
  });
  show(0);
})();
`;

/** The drill-down's look, beside the page's own CSS. */
export const DRILL_DOWN_CSS = `
#explore .crumbs{font-size:14px;margin:2px 0 4px}
#explore .crumb{color:#3f6fb5;text-decoration:none;cursor:pointer}
#explore .crumb.current{color:var(--fg);font-weight:600;cursor:default}
#explore .drill{cursor:pointer}
#explore tr.drill:hover td{background:#eef3fb}
#explore svg .drill:hover rect{opacity:.85}
@media print{#explore .crumbs a{color:#000}}
`;
